import { getNodeDefinition, nodeDefinitions, type ParamSpec } from '#shared/nodes/index.ts';
import { NASTY_NUMBERS, nastyString } from './corpus.ts';
import type { Rand } from './rand.ts';

/**
 * Workflow definitions built from the node catalog, mostly valid (so the
 * server stores and the engine runs them) with hostile parameter values:
 * code that loops, throws, prints or allocates; expressions that reach for
 * the host; webhooks on the fuzzer's own paths; requests to private addresses.
 */

/** Webhook paths the fuzzer's workflows listen on (the raw HTTP fuzzer calls them). */
export const FUZZ_HOOK_PATHS = ['f1', 'f2', 'fuzz/deep', 'hook-now'] as const;

const CODE_SNIPPETS = [
  'return $input.all();',
  'return [{ json: { a: 1 } }];',
  'return items;',
  'while (true) {}',
  'throw new Error("boom");',
  'return [{ json: { big: "x".repeat(2_000_000) } }];',
  'for (let i = 0; i < 3000; i++) console.log("line " + i); return [];',
  '}); let leaked = 1; (function () {',
  'return this.constructor.constructor("return process")().exit(1);',
  'globalThis.Object.prototype.polluted = true; return [];',
  'return new Array(200000).fill(0).map((_, i) => ({ json: { i } }));',
  'return [{ json: JSON.parse("[".repeat(100000) + "]".repeat(100000)) }];',
  'let a = []; a[0] = a; return [{ json: { a } }];',
  'return [{ json: { f: () => 1, u: undefined, s: Symbol("x"), b: 10n } }];',
  'return Promise.reject(new Error("later"));',
  'return null;',
  'return [1, 2, 3];',
  'return [{ json: null }];',
  'await new Promise((r) => setTimeout(r, 10)); return [];',
] as const;

const EXPRESSIONS = [
  '={{ $json }}',
  '={{ $json.a.b.c }}',
  '={{ $input.all().length }}',
  "={{ $('Missing').item.json }}",
  '={{ this }}',
  '={{ constructor.constructor("return process")() }}',
  '={{ "x".repeat(1e8) }}',
  '={{ (() => { while (true) {} })() }}',
  '={{ $now }}',
  '={{',
  '}}',
  '=',
] as const;

const URLS = [
  'https://example.com/',
  'http://127.0.0.1/healthz',
  'http://localhost:1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/',
  'file:///etc/passwd',
  'ftp://example.com/',
  'not a url',
  '',
] as const;

const CRONS = ['0 0 1 1 *', '*/5 * * * *', '* * * * * *', 'not cron', '', '61 * * * *', '0 0 31 2 *'] as const;

const paramValue = (r: Rand, type: string, spec: ParamSpec): unknown => {
  if (r.chance(0.1)) return r.chance(0.5) ? nastyString(r) : r.pick(NASTY_NUMBERS);
  if (type === 'webhook' && spec.name === 'path') return r.pick(FUZZ_HOOK_PATHS);
  if (type === 'scheduleTrigger' && spec.name === 'cronExpression') return r.pick(CRONS);
  if (type === 'httpRequest' && spec.name === 'url') return r.pick(URLS);
  if (type === 'wait' && spec.name === 'amount') return r.pick([0, 0.01, 0.05, 1, 1e9, -1]);
  switch (spec.kind) {
    case 'string':
      return r.weighted<() => string>([
        [3, () => r.word()],
        [1, () => r.pick(EXPRESSIONS)],
        [1, () => nastyString(r)],
      ])();
    case 'number':
      return r.chance(0.8) ? r.int(spec.min ?? 0, Math.min(spec.max ?? 100, 1000)) : r.pick(NASTY_NUMBERS);
    case 'boolean':
      return r.chance(0.5);
    case 'options':
      return r.chance(0.9) ? r.pick(spec.options).value : r.word();
    case 'json':
      return r.pick(['{}', '{"a": 1}', '[1,2]', '{', '={{ $json }}', 'null', '"x"']);
    case 'code':
      return r.pick(CODE_SNIPPETS);
    case 'list':
      return Array.from({ length: r.size(6) }, () =>
        Object.fromEntries(spec.fields.map((f) => [f.name, paramValue(r, type, f)])),
      );
  }
};

export interface DefinitionNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: { x: number; y: number };
  parameters: Record<string, unknown>;
  [key: string]: unknown;
}

const randomNode = (r: Rand, index: number, credentialIds: readonly string[]): DefinitionNode => {
  const known = r.chance(0.95);
  const type = known ? r.pick(nodeDefinitions).type : r.pick(['evil', 'n8n-nodes-base.ssh', '', '__proto__']);
  const def = getNodeDefinition(type);
  const parameters: Record<string, unknown> = {};
  for (const spec of def?.params ?? []) if (r.chance(0.7)) parameters[spec.name] = paramValue(r, type, spec);
  const out: DefinitionNode = {
    id: r.chance(0.95) ? `n${index}` : r.pick(['__proto__', 'constructor', 'a'.repeat(65), 'x y', '']),
    name: r.chance(0.8) ? `${def?.label ?? type} ${index}` : nastyString(r).slice(0, 300),
    type,
    typeVersion: r.chance(0.9) ? 1 : r.pick([0, 2, -1, 1.5, 99]),
    position: { x: index * 200, y: r.chance(0.9) ? 0 : r.pick(NASTY_NUMBERS) },
    parameters,
  };
  if (r.chance(0.2)) out.disabled = true;
  if (r.chance(0.2)) out.onError = r.pick(['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput', 'x']);
  if (r.chance(0.1)) out.retryOnFail = true;
  if (r.chance(0.1)) out.maxTries = r.pick([1, 2, 5, 1000, -1]);
  if (r.chance(0.1)) out.waitBetweenTries = r.pick([0, 10, 100_000]);
  if (r.chance(0.1)) out.timeoutSeconds = r.pick([0, 1, 1e9, -5]);
  if (r.chance(0.15) && credentialIds.length > 0) out.credentials = { httpAuth: r.pick(credentialIds) };
  return out;
};

/** A Weft workflow definition: a trigger first, then a chain with a few extra edges. */
export const randomDefinition = (r: Rand, credentialIds: readonly string[]): Record<string, unknown> => {
  const count = r.weighted([
    [6, r.int(1, 6)],
    [2, r.int(6, 30)],
    [1, r.int(30, 400)],
  ]);
  const nodes = Array.from({ length: count }, (_, i) => randomNode(r, i, credentialIds));
  const first = nodes[0];
  if (first && r.chance(0.8)) {
    first.type = r.pick(['manualTrigger', 'manualTrigger', 'webhook', 'scheduleTrigger']);
    const def = getNodeDefinition(first.type);
    first.parameters = {};
    for (const spec of def?.params ?? []) first.parameters[spec.name] = paramValue(r, first.type, spec);
  }
  const handle = () =>
    r.weighted([
      [8, 'main'],
      [1, r.pick(['true', 'false', 'error', 'output0', 'input2'])],
      [1, r.word()],
    ]);
  const edges: Record<string, unknown>[] = [];
  for (let i = 1; i < nodes.length; i++) {
    edges.push({ source: nodes[i - 1]?.id, target: nodes[i]?.id, sourceHandle: handle(), targetHandle: 'main' });
  }
  for (let i = r.size(10); i > 0; i--) {
    edges.push({ source: r.pick(nodes).id, target: r.pick(nodes).id, sourceHandle: handle(), targetHandle: handle() });
  }
  return {
    weft: r.chance(0.95) ? 1 : r.pick([2, 0, '1', null]),
    name: r.chance(0.8) ? `fuzz ${r.word()}` : nastyString(r).slice(0, 500),
    ...(r.chance(0.3) ? { description: nastyString(r) } : {}),
    settings: r.chance(0.8)
      ? { timezone: r.pick(['UTC', 'Europe/Berlin', 'Mars/Base', '']), timeoutSeconds: r.pick([5, 10, 0, -1, 1e9]) }
      : r.pick([null, 'x', [], { timeoutSeconds: 'x' }]),
    nodes,
    edges,
  };
};
