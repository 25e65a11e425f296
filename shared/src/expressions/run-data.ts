import type { JsonObject } from '../runs/items.ts';
import { readsParameters } from './template.ts';

/**
 * What a call into the sandbox carries about the node run besides its items:
 * `run`, n8n's `$runIndex` (how many times the node has run before in this
 * execution), left out when 0; `runs`, the index of the last run of each
 * node the code names (n8n's `$node["Name"].runIndex`, -1 for one that has
 * not run yet), left out when 0; and `params`, the parameters of the nodes the
 * code names, when it reads them (`$node["Name"].parameter`,
 * `$('Name').params`). Those are the node's parameters as Weft has them, its
 * defaults filled in as n8n fills its own: for nodes imported from n8n mostly
 * n8n's names and values, since the mappers keep n8n's where Weft has the
 * same parameter.
 */

export interface RunFacts {
  /** The run of the node being evaluated: 0 for its first in the execution. */
  runIndex?: number;
  /** A node's parameters by its name; undefined for a name no node has. */
  parametersOf?: (name: string) => JsonObject | undefined;
  /** The index of a node's last run by its name: -1 before it has run, undefined for a name no node has. */
  lastRunOf?: (name: string) => number | undefined;
}

export interface RunData {
  run?: number;
  runs?: Record<string, number>;
  params?: Record<string, JsonObject>;
}

export const runData = (facts: RunFacts, names: readonly string[], readsParams: boolean): RunData => {
  const out: RunData = {};
  if (facts.runIndex) out.run = facts.runIndex;
  if (facts.lastRunOf) {
    let runs: Record<string, number> | undefined;
    for (const name of names) {
      const last = facts.lastRunOf(name);
      // No prototype: a node named "__proto__" must be just a name.
      if (last) (runs ??= Object.create(null) as Record<string, number>)[name] = last;
    }
    if (runs) out.runs = runs;
  }
  if (readsParams && facts.parametersOf) {
    const params: Record<string, JsonObject> = {};
    for (const name of names) {
      const p = facts.parametersOf(name);
      if (p) params[name] = p;
    }
    out.params = params;
  }
  return out;
};

const reading = new WeakMap<object, boolean>();
/** Whether any of the codes reads parameters, worked out once per `key` (a node's plan). */
export const readParametersOnce = (key: object, codes: () => Iterable<string>): boolean => {
  let reads = reading.get(key);
  if (reads === undefined) {
    reads = false;
    for (const code of codes()) if (readsParameters(code)) reads = true;
    reading.set(key, reads);
  }
  return reads;
};
