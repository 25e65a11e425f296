import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { origins } from '../../src/origins.ts';
import {
  changedParts,
  definitionFingerprints,
  nodeFingerprint,
  type FingerprintStamps,
} from '../../src/runs/fingerprint.ts';
import type { WorkflowDefinition } from '../../src/schema/definition.ts';
import { fromDefinition } from '../../src/schema/from-definition.ts';
import { nodesMap, edgesMap } from '../../src/schema/roots.ts';
import { toDefinition } from '../../src/schema/to-definition.ts';
import { moveNode, renameNode, setNotes, setParameter } from '../../src/schema/write.ts';
import { edited, nodeOf, sampleDefinition } from '../workflow-fixture.ts';

const stamps: FingerprintStamps = { credentials: { cred1: '2026-12-01T10:00:00.000Z' } };

/** The sample with a credential on the HTTP node, so stamps matter. */
const sample = (): WorkflowDefinition =>
  edited(sampleDefinition(), (d) => {
    nodeOf(d, 'fetch').credentials = { httpAuth: 'cred1' };
  });

const fp = (def: WorkflowDefinition, id: string, s: FingerprintStamps = stamps): string => {
  const value = nodeFingerprint(def, id, s);
  if (value === undefined) throw new Error(`no node ${id}`);
  return value;
};

describe('nodeFingerprint', () => {
  it('is 64 hex characters and the same for the same input', () => {
    const value = fp(sample(), 'fetch');
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(fp(sample(), 'fetch')).toBe(value);
  });

  it('is undefined for a node the definition does not have', () => {
    expect(nodeFingerprint(sample(), 'nope', stamps)).toBeUndefined();
  });

  it.each([
    ['name', (d: WorkflowDefinition) => void (nodeOf(d, 'fetch').name = 'Fetch all orders')],
    ['position', (d: WorkflowDefinition) => void (nodeOf(d, 'fetch').position = { x: 999, y: -5 })],
    ['notes', (d: WorkflowDefinition) => void (nodeOf(d, 'fetch').notes = 'why this node exists')],
    ['workflow name', (d: WorkflowDefinition) => void (d.name = 'Renamed')],
    ['description', (d: WorkflowDefinition) => void (d.description = 'Other words')],
    ['workflow timeout', (d: WorkflowDefinition) => void (d.settings.timeoutSeconds = 10)],
    [
      'parameter key order',
      (d: WorkflowDefinition) => void (nodeOf(d, 'fetch').parameters = { ...nodeOf(d, 'fetch').parameters }),
    ],
    ['an unset switch written as false', (d: WorkflowDefinition) => void (nodeOf(d, 'fetch').disabled = false)],
    ['the default timezone written out', (d: WorkflowDefinition) => void (d.settings.executionOrder = 'v1')],
    ['a stamp for a credential the node does not use', () => undefined],
  ])('a cosmetic change (%s) leaves every fingerprint as it was', (_, edit) => {
    const before = definitionFingerprints(sample(), stamps);
    const after = definitionFingerprints(edited(sample(), edit), {
      credentials: { ...stamps.credentials, other: '2026-12-04T00:00:00.000Z' },
    });
    expect(after).toEqual(before);
  });

  it.each<[string, (d: WorkflowDefinition) => void, string | string[]]>([
    ['type', (d) => void (nodeOf(d, 'fetch').type = 'code'), 'config'],
    ['typeVersion', (d) => void (nodeOf(d, 'fetch').typeVersion = 2), 'config'],
    ['a parameter', (d) => void (nodeOf(d, 'fetch').parameters = { url: 'https://example.com/other' }), 'config'],
    [
      'a nested parameter',
      (d) => void (nodeOf(d, 'fetch').parameters = { url: 'https://example.com/orders', q: [{ a: 1 }] }),
      'config',
    ],
    ['credentials', (d) => void (nodeOf(d, 'fetch').credentials = { httpAuth: 'cred2' }), ['config', 'credentials']],
    ['disabled', (d) => void (nodeOf(d, 'fetch').disabled = true), 'config'],
    ['executeOnce', (d) => void (nodeOf(d, 'fetch').executeOnce = true), 'config'],
    ['retryOnFail', (d) => void (nodeOf(d, 'fetch').retryOnFail = true), 'config'],
    ['maxTries', (d) => void (nodeOf(d, 'fetch').maxTries = 5), 'config'],
    ['waitBetweenTries', (d) => void (nodeOf(d, 'fetch').waitBetweenTries = 2000), 'config'],
    ['alwaysOutputData', (d) => void (nodeOf(d, 'fetch').alwaysOutputData = true), 'config'],
    ['onError', (d) => void (nodeOf(d, 'fetch').onError = 'continueRegularOutput'), 'config'],
    ['timeoutSeconds', (d) => void (nodeOf(d, 'fetch').timeoutSeconds = 30), 'config'],
    ['settings.timezone', (d) => void (d.settings.timezone = 'Asia/Tokyo'), 'config'],
    ['settings.executionOrder', (d) => void (d.settings.executionOrder = 'v0'), 'config'],
    ['an incoming edge removed', (d) => void (d.edges = d.edges.filter((e) => e.target !== 'fetch')), 'inputs'],
    [
      'an incoming edge on another handle',
      (d) => void (d.edges = d.edges.map((e) => (e.target === 'fetch' ? { ...e, targetHandle: 'input2' } : e))),
      'inputs',
    ],
    [
      'an incoming edge from another output',
      (d) => void (d.edges = d.edges.map((e) => (e.target === 'fetch' ? { ...e, sourceHandle: 'true' } : e))),
      'inputs',
    ],
    [
      'the order of incoming edges',
      (d) => {
        d.nodes.push({ ...nodeOf(d, 'start'), id: 'start2', name: 'Start 2' });
        d.edges.push({ id: 'e9', source: 'start2', sourceHandle: 'main', target: 'fetch', targetHandle: 'main' });
        d.edges.reverse();
      },
      'inputs',
    ],
  ])('changing %s makes the node dirty, and says which part changed', (_, edit, parts) => {
    const part = typeof parts === 'string' ? [parts] : parts;
    const base = sample();
    const changed = edited(base, edit);
    if (_ === 'the order of incoming edges') {
      // Both orders have the second edge; only the order differs between these two.
      const unreversed = edited(base, (d) => {
        d.nodes.push({ ...nodeOf(d, 'start'), id: 'start2', name: 'Start 2' });
        d.edges.push({ id: 'e9', source: 'start2', sourceHandle: 'main', target: 'fetch', targetHandle: 'main' });
      });
      expect(changedParts(fp(changed, 'fetch'), fp(unreversed, 'fetch'))).toEqual(part);
      return;
    }
    expect(changedParts(fp(changed, 'fetch'), fp(base, 'fetch'))).toEqual(part);
  });

  it('an outgoing edge does not change the node itself, only its child', () => {
    const base = sample();
    const changed = edited(base, (d) => void (d.edges = d.edges.filter((e) => e.source !== 'fetch')));
    expect(fp(changed, 'fetch')).toBe(fp(base, 'fetch'));
    expect(changedParts(fp(changed, 'shape'), fp(base, 'shape'))).toEqual(['inputs']);
  });

  it('a rotated credential (new updated_at) makes the nodes that use it dirty, and only them', () => {
    const before = definitionFingerprints(sample(), stamps);
    const after = definitionFingerprints(sample(), { credentials: { cred1: '2026-12-04T09:30:00.000Z' } });
    expect(changedParts(after.fetch as string, before.fetch as string)).toEqual(['credentials']);
    expect(after.start).toBe(before.start);
    expect(after.shape).toBe(before.shape);
  });

  it('a credential the store no longer has reads as changed', () => {
    expect(changedParts(fp(sample(), 'fetch', { credentials: {} }), fp(sample(), 'fetch'))).toEqual(['credentials']);
  });

  it('a pinned node hashes its pin items instead: editing it stays clean, changing the pin does not', () => {
    const pins = { fetch: [{ json: { id: 1 } }] };
    const pinned = fp(sample(), 'fetch', { ...stamps, pins });
    expect(pinned).toMatch(/^p[0-9a-f]{63}$/);
    const paramsEdited = edited(sample(), (d) => void (nodeOf(d, 'fetch').parameters = { url: 'https://x.test' }));
    expect(fp(paramsEdited, 'fetch', { ...stamps, pins })).toBe(pinned);
    const repinned = fp(sample(), 'fetch', { ...stamps, pins: { fetch: [{ json: { id: 2 } }] } });
    expect(changedParts(repinned, pinned)).toEqual(['pin']);
    expect(changedParts(fp(sample(), 'fetch'), pinned)).toEqual(['pin']);
  });
});

describe('fingerprints of a live document', () => {
  const docFor = (): { doc: Y.Doc; undo: Y.UndoManager } => {
    const { doc } = fromDefinition(sample());
    const undo = new Y.UndoManager([nodesMap(doc), edgesMap(doc)], {
      trackedOrigins: new Set([origins.ui]),
      captureTimeout: 0,
    });
    return { doc, undo };
  };

  it('an edit made and undone is clean again', () => {
    const { doc, undo } = docFor();
    const before = definitionFingerprints(toDefinition(doc), stamps);
    setParameter(doc, 'fetch', 'url', 'https://example.com/changed', origins.ui);
    const during = definitionFingerprints(toDefinition(doc), stamps);
    expect(during.fetch).not.toBe(before.fetch);
    undo.undo();
    expect(definitionFingerprints(toDefinition(doc), stamps)).toEqual(before);
  });

  it('renaming, moving and annotating a node in the document leaves it clean', () => {
    const { doc } = docFor();
    const before = definitionFingerprints(toDefinition(doc), stamps);
    renameNode(doc, 'fetch', 'Get orders', origins.ui);
    moveNode(doc, 'fetch', { x: 50, y: 400 }, origins.ui);
    setNotes(doc, 'fetch', 'Calls the shop API', origins.ui);
    expect(definitionFingerprints(toDefinition(doc), stamps)).toEqual(before);
  });
});
