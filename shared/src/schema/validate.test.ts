import { describe, expect, it } from 'vitest';
import { validateDefinition } from './validate.ts';

const base = {
  weft: 1,
  name: 'Orders',
  nodes: [
    {
      id: 'n1',
      name: 'Webhook',
      type: 'webhook',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: { path: 'orders' },
    },
    { id: 'n2', name: 'HTTP Request', type: 'httpRequest', typeVersion: 1, position: { x: 200, y: 0 }, parameters: {} },
  ],
  edges: [{ id: 'e1', source: 'n1', sourceHandle: 'main', target: 'n2', targetHandle: 'main' }],
};

const messages = (input: unknown): string[] => {
  const result = validateDefinition(input);
  return result.ok ? [] : result.issues.filter((i) => i.severity === 'error').map((i) => i.message);
};

describe('validateDefinition (SPEC DOC9)', () => {
  it('accepts a valid definition and gives edges their canonical ids', () => {
    const result = validateDefinition(base);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.definition.edges[0]?.id).toBe('n1:main>n2:main');
  });

  it('names the node and the field of a structural problem', () => {
    const bad = structuredClone(base) as { nodes: { position: unknown }[] };
    (bad.nodes[1] as { position: unknown }).position = { x: 'left', y: 0 };
    expect(messages(bad)).toEqual([expect.stringMatching(/^Node "HTTP Request" \(n2\), field "position\.x": /)]);
  });

  it('names the node and the parameter of a bad parameter value', () => {
    const bad = structuredClone(base);
    (bad.nodes[1] as { parameters: Record<string, unknown> }).parameters = { method: 'FETCH', timeout: -1 };
    const found = messages(bad);
    expect(found).toContainEqual(
      expect.stringMatching(/^Node "HTTP Request" \(n2\), parameter "method": must be one of GET/),
    );
    expect(found).toContainEqual('Node "HTTP Request" (n2), parameter "timeout": must be at least 1');
  });

  it('accepts expressions in any non-text parameter', () => {
    const input = structuredClone(base);
    (input.nodes[1] as { parameters: Record<string, unknown> }).parameters = {
      timeout: '={{ $json.t }}',
      method: '={{ "POST" }}',
    };
    expect(validateDefinition(input).ok).toBe(true);
  });

  it('reports every problem at once: duplicate ids and names, dangling edges, missing handles', () => {
    const bad = structuredClone(base);
    bad.nodes.push({
      id: 'n1',
      name: 'Webhook',
      type: 'noOp',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: {},
    });
    bad.edges.push({ id: 'e2', source: 'n2', sourceHandle: 'true', target: 'ghost', targetHandle: 'main' });
    const found = messages(bad);
    expect(found).toContainEqual('Node "Webhook" (n1): id "n1" is already used by Node "Webhook" (n1)');
    expect(found).toContainEqual(expect.stringContaining('name "Webhook" is already used'));
    expect(found).toContainEqual('Edge #2: Node "HTTP Request" (n2) has no output "true"');
    expect(found).toContainEqual('Edge #2: target node "ghost" does not exist');
    expect(found).toHaveLength(4);
  });

  it('keeps unknown node types with a warning instead of rejecting them', () => {
    const input = structuredClone(base);
    input.nodes.push({
      id: 'n3',
      name: 'Slack',
      type: 'n8n-nodes-base.slack',
      typeVersion: 2,
      position: { x: 0, y: 0 },
      parameters: { channel: '#ops' },
    } as never);
    input.edges.push({ id: 'e9', source: 'n2', sourceHandle: 'main', target: 'n3', targetHandle: 'main' });
    const result = validateDefinition(input);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.warnings.map((w) => w.message)).toEqual([
        'Node "Slack" (n3): type "n8n-nodes-base.slack" is not supported by Weft; it is kept as an unsupported placeholder',
      ]);
    }
  });

  it('requires filled-in parameters and credentials only for a run', () => {
    const input = structuredClone(base);
    (input.nodes[1] as { parameters: Record<string, unknown> }).parameters = { authentication: 'credential' };
    expect(validateDefinition(input).ok).toBe(true);
    const result = validateDefinition(input, { forRun: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.message)).toEqual([
        'Node "HTTP Request" (n2), parameter "url": is required',
        'Node "HTTP Request" (n2): choose a credential for "Credential"',
      ]);
    }
  });

  it('rejects a missing format marker and unknown top-level fields', () => {
    expect(messages({ ...base, weft: 2 })[0]).toMatch(/^Field "weft": /);
    expect(messages({ ...base, extra: true })[0]).toMatch(/extra/);
  });
});
