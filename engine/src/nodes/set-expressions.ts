import { isExpression, parseTemplate, TemplateError } from '#shared/expressions/template.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import type { NodeContext } from '../runner/types.ts';

/**
 * Expression values Edit Fields needs in a form the node's ordinary
 * parameters do not give: whether a `={{ … }}` came out undefined (a
 * parameter reads that as null, yet n8n's Set 1–3 treat the two apart), and
 * the pieces of n8n's JSON mode, where each `{{ … }}` of the text is worked
 * out on its own and written in as text (n8n's resolveRawData).
 *
 * Each such expression is evaluated as `{ v: (code) }`: an undefined result is
 * an object without `v`; NaN and ±Infinity come back as `{ n: "NaN" }`. All of
 * them go to the sandbox in one call per node run.
 */

export type Probe = { kind: 'single'; code: string } | { kind: 'raw'; text: string; resolvables: string[] };

/** A raw text probe: the text without its leading "=" and the `{{ … }}` in it. */
export const rawProbe = (expression: string): Probe => {
  const text = expression.replace(/^=+/, '');
  return { kind: 'raw', text, resolvables: resolvablesOf(text) };
};

/** The code of a value that is exactly one `{{ … }}`, or undefined. */
export const singleExpressionCode = (value: unknown): string | undefined => {
  if (!isExpression(value)) return undefined;
  try {
    const segments = parseTemplate(value.slice(1));
    const only = segments[0];
    return segments.length === 1 && only && 'code' in only ? only.code : undefined;
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
};

/** n8n's getResolvables: every `{{ … }}` of a text, each up to the first "}}". */
export const resolvablesOf = (text: string): string[] => [...text.matchAll(/({{[\s\S]*?}})/g)].map((m) => m[1] ?? '');

/** NaN and ±Infinity would cross as null (JSON): they come back as their text, which n8n's rules tell apart. */
const wrap = (code: string): string =>
  `={{ ((v) => typeof v === 'number' && !Number.isFinite(v) ? { n: String(v) } : { v })((${code}\n)) }}`;

/** n8n's resolveRawData: each `{{ … }}` replaced (first occurrence, in turn) by its value as text. */
const fillRawText = (text: string, resolvables: readonly string[], values: readonly unknown[]): string => {
  let out = text;
  resolvables.forEach((resolvable, k) => {
    const value = values[k];
    const replacement = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    out = out.replace(resolvable, () => replacement);
  });
  return out;
};

/** Probes keyed by a label (the parameter's path); one parameter object per node, so its compiled plan is reused. */
const plans = new WeakMap<Map<string, Probe>, JsonObject>();

export interface ProbeResults {
  /** The value of a single expression for item `i` (undefined kept). */
  single(label: string, i: number): unknown;
  /** A raw text with its `{{ … }}` filled in for item `i` (n8n's resolveRawData). */
  filled(label: string, i: number): string;
}

const unwrap = (result: unknown): unknown => {
  if (typeof result !== 'object' || result === null) return undefined;
  if ('n' in result) return Number(result.n);
  return 'v' in result ? result.v : undefined;
};

/** Evaluates the probes for every input item of the node's run. */
export const evaluateProbes = (ctx: NodeContext, probes: Map<string, Probe>): ProbeResults => {
  if (probes.size === 0) {
    return { single: () => undefined, filled: () => '' };
  }
  // Probes are made once per node's parameters (set.ts): their parameter object, and so its compiled plan, too.
  let params = plans.get(probes);
  if (!params) {
    params = {};
    for (const [label, probe] of probes) {
      params[label] = probe.kind === 'single' ? wrap(probe.code) : probe.resolvables.map((r) => wrap(r.slice(2, -2)));
    }
    plans.set(probes, params);
  }
  // Evaluated the first time a value is asked for: most runs never need the second reading.
  let batch: JsonObject[] | undefined;
  const resolved = (): JsonObject[] =>
    (batch ??= ctx.resolver.resolve(
      ctx.node.name,
      params,
      ctx.items,
      ctx.meta,
      (name) => ctx.outputOf(name),
      // `$('Node').item` walks back through the same lineage as the node's other parameters.
      ctx.pairedItems ? (name) => ctx.pairedItems?.(name) ?? [] : undefined,
    ));
  return {
    single: (label, i) => unwrap(resolved()[i]?.[label]),
    filled: (label, i) => {
      const probe = probes.get(label);
      if (probe?.kind !== 'raw') return '';
      const list = resolved()[i]?.[label];
      return fillRawText(probe.text, probe.resolvables, Array.isArray(list) ? list.map(unwrap) : []);
    },
  };
};
