import { describe, expect, it } from 'vitest';
import { edited, nodeOf, sampleDefinition } from '../../../test/workflow-fixture.ts';
import { diffDefinitions, type Change } from './diff.ts';

const base = sampleDefinition();
const only = (changes: Change[], op: Change['op']): Change[] => changes.filter((c) => c.op === op);

describe('diffDefinitions carries the values a change replaces', () => {
  it.each<[string, (def: typeof base) => void, Change[]]>([
    [
      'workflow name and description',
      (d) => {
        d.name = 'Order sync v2';
        d.description = 'Now shapes them too.';
      },
      [
        { op: 'setName', name: 'Order sync v2', before: 'Order sync' },
        { op: 'setDescription', description: 'Now shapes them too.', before: 'Fetches orders.' },
      ],
    ],
    [
      'a setting changed, one set, one reset',
      (d) => {
        d.settings = { timezone: 'UTC', timeoutSeconds: 60 };
      },
      [
        { op: 'setSetting', key: 'timezone', value: 'UTC', before: 'Europe/Berlin' },
        { op: 'setSetting', key: 'timeoutSeconds', value: 60 },
      ],
    ],
    [
      'the engine-loss policy, which push used to drop',
      (d) => {
        d.settings.onEngineLoss = 'retry';
      },
      [{ op: 'setSetting', key: 'onEngineLoss', value: 'retry' }],
    ],
    [
      'a move',
      (d) => {
        nodeOf(d, 'fetch').position = { x: 250, y: 40 };
      },
      [{ op: 'moveNode', id: 'fetch', name: 'Fetch orders', position: { x: 250, y: 40 }, before: { x: 200, y: 0 } }],
    ],
    [
      'parameters changed, added and removed',
      (d) => {
        const fetch = nodeOf(d, 'fetch');
        fetch.parameters.url = 'https://example.com/v2';
        fetch.parameters.extra = 1;
        delete nodeOf(d, 'shape').parameters.jsCode;
      },
      [
        { op: 'setParameter', id: 'fetch', name: 'Fetch orders', param: 'extra', value: 1 },
        {
          op: 'setParameter',
          id: 'fetch',
          name: 'Fetch orders',
          param: 'url',
          value: 'https://example.com/v2',
          before: 'https://example.com/orders',
        },
        {
          op: 'removeParameter',
          id: 'shape',
          name: 'Shape',
          param: 'jsCode',
          before: 'const total = 1;\nreturn $input.all();\n',
        },
      ],
    ],
    [
      'notes, node settings and a credential',
      (d) => {
        const shape = nodeOf(d, 'shape');
        shape.notes = 'Second line';
        shape.retryOnFail = true;
        shape.maxTries = 5;
        nodeOf(d, 'fetch').credentials = { auth: 'cred1' };
      },
      [
        { op: 'setCredential', id: 'fetch', name: 'Fetch orders', slot: 'auth', credentialId: 'cred1', before: null },
        { op: 'setNotes', id: 'shape', name: 'Shape', notes: 'Second line', before: 'First line' },
        {
          op: 'setNodeSettings',
          id: 'shape',
          name: 'Shape',
          patch: { retryOnFail: true, maxTries: 5 },
          before: { retryOnFail: false, maxTries: 3 },
        },
      ],
    ],
  ])('%s', (_label, edit, expected) => {
    const changes = diffDefinitions(base, edited(base, edit));
    expect(changes).toEqual(expect.arrayContaining(expected));
    expect(changes).toHaveLength(expected.length);
  });

  it('a replaced node carries the node it replaces', () => {
    const target = edited(base, (d) => {
      nodeOf(d, 'shape').typeVersion = 2;
    });
    const [replace] = only(diffDefinitions(base, target), 'replaceNode');
    expect(replace).toEqual({ op: 'replaceNode', node: nodeOf(target, 'shape'), before: nodeOf(base, 'shape') });
  });

  it('the reverse diff swaps values and befores', () => {
    const after = edited(base, (d) => {
      nodeOf(d, 'fetch').parameters.url = 'https://example.com/v2';
    });
    expect(diffDefinitions(after, base)).toEqual([
      {
        op: 'setParameter',
        id: 'fetch',
        name: 'Fetch orders',
        param: 'url',
        value: 'https://example.com/orders',
        before: 'https://example.com/v2',
      },
    ]);
  });
});
