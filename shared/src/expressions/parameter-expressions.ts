import type { JsonObject } from '../runs/items.ts';
import { EXPRESSION } from '../sandbox/function-source.ts';
import { readsTime, SandboxError, type Sandbox } from '../sandbox/sandbox.ts';
import { sourceName } from './errors.ts';
import { isExpression, parseTemplate, referencedNodes, TemplateError } from './template.ts';

/**
 * n8n's `$node["Name"].parameter.key` (WorkflowDataProxy's
 * nodeParameterGetter) works a top-level parameter written as an expression
 * out, in the context of the node and item being processed, each time it is
 * read; `$('Name').params` and the object as a whole (its toJSON) keep the
 * text. Weft compiles those expressions with the call and the sandbox's
 * driver evaluates one when code reads it (see `parameter` in
 * driver-source.ts): one function id for a whole `{{ }}`, else the text
 * around and each `{{ }}` as a `~id` made text as a template joins it; an
 * expression that does not compile keeps its error, thrown when it is read.
 */

export type ParameterTemplate = number | (string | number)[] | { e: string };

export interface ParameterExpressions {
  /** Node name → parameter name → what works it out. */
  pexpr?: Record<string, Record<string, ParameterTemplate>>;
  /** Every function id in pexpr (the driver readies the clock when one of them reads it). */
  pids?: number[];
}

const compileTemplate = (
  sandbox: Sandbox,
  node: string,
  key: string,
  text: string,
  ids: number[],
  refs: Set<string>,
): ParameterTemplate => {
  const filename = sourceName('expr', node, key);
  try {
    const segments = parseTemplate(text.slice(1));
    const parts = segments.map((s) => {
      if (!('code' in s)) return s.text;
      const id = sandbox.compile(EXPRESSION, s.code, filename, readsTime(s.code));
      ids.push(id);
      for (const name of referencedNodes(s.code)) refs.add(name);
      return ~id;
    });
    const only = parts[0];
    return parts.length === 1 && typeof only === 'number' ? ~only : parts;
  } catch (e) {
    if (e instanceof TemplateError) return { e: e.message };
    if (e instanceof SandboxError) return { e: `${e.info.name}: ${e.info.message}` };
    throw e;
  }
};

/** The expressions among the top-level parameters of the nodes sent, and the nodes those expressions name. */
export const parameterExpressions = (
  sandbox: Sandbox,
  params: Record<string, JsonObject> | undefined,
): { data: ParameterExpressions; refs: string[] } => {
  if (!params) return { data: {}, refs: [] };
  const pexpr: Record<string, Record<string, ParameterTemplate>> = Object.create(null) as Record<
    string,
    Record<string, ParameterTemplate>
  >;
  const ids: number[] = [];
  const refs = new Set<string>();
  for (const [name, values] of Object.entries(params)) {
    for (const [key, value] of Object.entries(values)) {
      if (!isExpression(value)) continue;
      (pexpr[name] ??= Object.create(null) as Record<string, ParameterTemplate>)[key] = compileTemplate(
        sandbox,
        name,
        key,
        value,
        ids,
        refs,
      );
    }
  }
  return ids.length > 0 || Object.keys(pexpr).length > 0
    ? { data: { pexpr, pids: ids }, refs: [...refs] }
    : { data: {}, refs: [] };
};
