import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { addNode, connect, initWorkflowDoc, renameNode, setParameter, setWorkflowSetting } from './write.ts';
import { fromDefinition } from './from-definition.ts';
import { toDefinition } from './to-definition.ts';
import { readNode } from './read.ts';
import { edgesMap, NodeKey, nodesMap } from './roots.ts';

describe('toDefinition / fromDefinition', () => {
  it('round-trips a definition exactly', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Round trip', description: 'Notify on new order' });
    const hook = addNode(doc, {
      type: 'webhook',
      position: { x: 0, y: 0 },
      parameters: { path: 'orders', httpMethod: 'POST' },
    });
    const branch = addNode(doc, { type: 'if', position: { x: 200, y: 0 }, notes: 'big orders only' });
    const code = addNode(doc, {
      type: 'code',
      position: { x: 400, y: 0 },
      onError: 'continueErrorOutput',
      retryOnFail: true,
    });
    connect(doc, { source: hook, sourceHandle: 'main', target: branch, targetHandle: 'main' });
    connect(doc, { source: branch, sourceHandle: 'true', target: code, targetHandle: 'main' });
    const definition = toDefinition(doc);
    const { doc: copy, warnings } = fromDefinition(definition);
    expect(warnings).toEqual([]);
    expect(toDefinition(copy)).toEqual(definition);
    expect(definition.nodes.find((n) => n.id === code)?.onError).toBe('continueErrorOutput');
    expect(definition.description).toBe('Notify on new order');
  });

  it("round-trips the execution order and n8n's node settings Always Output Data and Execute Once", () => {
    const { doc } = fromDefinition({
      weft: 1,
      name: 'Legacy order',
      settings: { executionOrder: 'v0' },
      nodes: [
        {
          id: 'a',
          name: 'A',
          type: 'noOp',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          alwaysOutputData: true,
          executeOnce: true,
        },
        { id: 'b', name: 'B', type: 'noOp', typeVersion: 1, position: { x: 200, y: 0 } },
      ],
      edges: [],
    });
    const definition = toDefinition(doc);
    expect(definition.settings).toEqual({ executionOrder: 'v0' });
    expect(definition.nodes.map((n) => [n.alwaysOutputData, n.executeOnce])).toEqual([
      [true, true],
      [undefined, undefined],
    ]);
    expect(toDefinition(fromDefinition(definition).doc)).toEqual(definition);
  });

  it('round-trips the engine-loss setting, and reads an unknown value written into the document as the default', () => {
    const { doc } = fromDefinition({
      weft: 1,
      name: 'Retry on loss',
      settings: { onEngineLoss: 'retry', timeoutSeconds: 60 },
      nodes: [{ id: 'a', name: 'A', type: 'noOp', typeVersion: 1, position: { x: 0, y: 0 } }],
      edges: [],
    });
    expect(toDefinition(doc).settings).toEqual({ onEngineLoss: 'retry', timeoutSeconds: 60 });
    // A peer can write anything into the shared map: a value the schema does not know is left out.
    setWorkflowSetting(doc, 'onEngineLoss', 'always');
    expect(toDefinition(doc).settings).toEqual({ timeoutSeconds: 60 });
    setWorkflowSetting(doc, 'onEngineLoss', 'fail');
    expect(toDefinition(doc).settings).toEqual({ onEngineLoss: 'fail', timeoutSeconds: 60 });
  });

  it('round-trips the error workflow settings, and leaves out what a peer wrote that is not an id or a boolean', () => {
    const { doc } = fromDefinition({
      weft: 1,
      name: 'Fails loudly',
      settings: { errorWorkflow: 'wf_errors-1', errorWorkflowOnManual: true },
      nodes: [{ id: 'a', name: 'A', type: 'noOp', typeVersion: 1, position: { x: 0, y: 0 } }],
      edges: [],
    });
    expect(toDefinition(doc).settings).toEqual({ errorWorkflow: 'wf_errors-1', errorWorkflowOnManual: true });
    setWorkflowSetting(doc, 'errorWorkflow', 'not an id!');
    setWorkflowSetting(doc, 'errorWorkflowOnManual', 'yes');
    expect(toDefinition(doc).settings).toEqual({});
    expect(() =>
      fromDefinition({ weft: 1, name: 'x', settings: { errorWorkflow: '../x' }, nodes: [], edges: [] }),
    ).toThrow(/problem/);
  });

  it('stores text and code parameters as Y.Text and other kinds as plain values', () => {
    const { doc } = fromDefinition({
      weft: 1,
      name: 'Kinds',
      nodes: [
        {
          id: 'c',
          name: 'Code',
          type: 'code',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { jsCode: 'return 1' },
        },
        {
          id: 'h',
          name: 'HTTP',
          type: 'httpRequest',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { timeout: 10 },
        },
      ],
      edges: [],
    });
    const params = (id: string) => nodesMap(doc).get(id)?.get(NodeKey.parameters) as Y.Map<unknown>;
    expect(params('c').get('jsCode')).toBeInstanceOf(Y.Text);
    expect(params('h').get('url')).toBeInstanceOf(Y.Text);
    expect(params('h').get('timeout')).toBe(10);
    expect(params('h').get('method')).toBe('GET');
  });

  it('fills defaults for parameters a document lacks and drops stored values that break the spec', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Defaults' });
    const id = addNode(doc, { type: 'limit', position: { x: 0, y: 0 } });
    (nodesMap(doc).get(id)?.get(NodeKey.parameters) as Y.Map<unknown>).set('maxItems', 'lots');
    (nodesMap(doc).get(id)?.get(NodeKey.parameters) as Y.Map<unknown>).delete('keep');
    const node = toDefinition(doc).nodes[0];
    expect(node?.parameters).toEqual({ maxItems: 1, keep: 'firstItems' });
  });

  it('refuses an invalid definition with every issue and writes nothing', () => {
    const doc = new Y.Doc();
    expect(() =>
      fromDefinition(
        {
          weft: 1,
          name: 'Bad',
          nodes: [{ id: 'a', name: '', type: 'set', typeVersion: 1, position: { x: 0, y: 0 } }],
          edges: [],
        },
        { doc },
      ),
    ).toThrow(UserError);
    expect(nodesMap(doc).size).toBe(0);
    expect(edgesMap(doc).size).toBe(0);
  });

  it('ignores garbage a hostile client wrote into the document', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Garbage' });
    const ok = addNode(doc, { type: 'noOp', position: { x: 1, y: 2 } });
    nodesMap(doc).set('bad id!', new Y.Map());
    nodesMap(doc).set('plain', 42 as never);
    const typeless = new Y.Map<unknown>();
    nodesMap(doc).set('typeless', typeless);
    edgesMap(doc).set('junk', { source: 7 } as never);
    const def = toDefinition(doc);
    expect(def.nodes.map((n) => n.id)).toEqual([ok]);
    expect(def.edges).toEqual([]);
  });

  it('renameNode refuses a taken name; addNode picks a free one', () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Names' });
    const a = addNode(doc, { type: 'set', position: { x: 0, y: 0 } });
    const b = addNode(doc, { type: 'set', position: { x: 0, y: 0 } });
    expect(readNode(doc, a)?.name).toBe('Edit Fields (Set)');
    expect(readNode(doc, b)?.name).toBe('Edit Fields (Set)1');
    expect(() => renameNode(doc, b, 'Edit Fields (Set)')).toThrow(/already named/);
    setParameter(doc, a, 'mode', 'raw');
    expect(readNode(doc, a)?.parameters.mode).toBe('raw');
  });
});
