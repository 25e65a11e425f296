import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { addNode, deleteNode, initWorkflowDoc, moveNode, setParameter, toDefinition } from '#shared/schema/index.ts';
import { VersionDiff } from './version-diff.ts';

const build = () => {
  const doc = new Y.Doc();
  initWorkflowDoc(doc, { name: 'Orders' });
  const http = addNode(doc, { type: 'httpRequest', position: { x: 0, y: 0 } });
  const noop = addNode(doc, { type: 'noOp', position: { x: 300, y: 0 } });
  setParameter(doc, http, 'url', 'https://a.example');
  const version = {
    id: 'v1',
    hash: 'h'.repeat(64),
    name: 'before the CRM switch',
    kind: 'named' as const,
    createdAt: 0,
    authors: [],
    definition: toDefinition(doc),
  };
  return { doc, http, noop, version };
};

describe('comparing a version with the live document', () => {
  it('marks changed, moved and added nodes, and follows the document while shown', () => {
    const { doc, http, noop, version } = build();
    const diff = new VersionDiff(doc);
    let notified = 0;
    diff.subscribe(() => notified++);
    setParameter(doc, http, 'url', 'https://b.example');
    expect(diff.markOf(http)).toBeUndefined();

    diff.show(version);
    expect(diff.markOf(http)).toBe('changed');
    expect(diff.markOf(noop)).toBeUndefined();
    const node = diff.comparison()?.result.nodes.find((n) => n.id === http);
    expect(node?.params).toEqual([{ path: 'parameters.url', before: 'https://a.example', after: 'https://b.example' }]);

    moveNode(doc, noop, { x: 300, y: 200 });
    const added = addNode(doc, { type: 'noOp', position: { x: 600, y: 0 } });
    expect(diff.markOf(noop)).toBe('moved');
    expect(diff.markOf(added)).toBe('added');

    setParameter(doc, http, 'url', 'https://a.example');
    expect(diff.markOf(http)).toBeUndefined();
    const before = notified;

    diff.clear();
    expect(notified).toBe(before + 1);
    expect(diff.comparison()).toBeNull();
    expect(diff.markOf(noop)).toBeUndefined();
    // Once cleared, edits no longer compare.
    moveNode(doc, noop, { x: 0, y: 500 });
    expect(notified).toBe(before + 1);
    diff.destroy();
  });

  it('lists nodes removed since the version', () => {
    const { doc, noop, version } = build();
    const diff = new VersionDiff(doc);
    diff.show(version);
    deleteNode(doc, noop);
    expect(
      diff
        .comparison()
        ?.result.nodes.filter((n) => n.status === 'removed')
        .map((n) => n.id),
    ).toEqual([noop]);
    diff.destroy();
  });
});
