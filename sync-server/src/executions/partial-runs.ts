import { z } from 'zod';
import type { PartialJob, ReusedRun } from '#shared/protocol/engine.ts';
import { planBaseOf } from '#shared/runs/plan-base.ts';
import { graphFromDefinition, reachable } from '#shared/runs/plan-graph.ts';
import {
  planRun,
  runScopes,
  type PlanBase,
  type PlanError,
  type RunPlan,
  type RunScope,
} from '#shared/runs/partial-plan.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { LastNodeRun } from './execution-store.ts';

/**
 * A partial run's job (docs/plans/n8n-daily.md §3.4), from what the
 * execution row keeps: the version, its fingerprints and pins, the scope and
 * destination, and the base execution's last node runs. ExecutionService
 * plans once when the run is asked for (to refuse a bad request and to hold
 * reuse to its cap) and the engine hub plans again when it builds the job:
 * the inputs are stored and the base is finished, so both get the same plan,
 * and a retry replays it.
 */

export { DEFAULT_MAX_REUSE_BYTES } from '#shared/protocol/engine.ts';

export interface PartialInput {
  definition: WorkflowDefinition;
  fingerprints: Readonly<Record<string, string>>;
  pins: Readonly<Record<string, unknown>> | undefined;
  scope: RunScope;
  destination?: string | undefined;
  /** A whole manual run starts at this trigger; only what it reaches is planned. */
  startNodeId?: string | undefined;
  base?: { fingerprints: Readonly<Record<string, string>>; runs: readonly LastNodeRun[] } | undefined;
}

export type PartialOutcome =
  | {
      ok: true;
      /** Undefined for a whole run with nothing to reuse: the job is today's full run. */
      partial: PartialJob | undefined;
      plan: RunPlan;
      /** Bytes of reused text the job carries. */
      reusedBytes: number;
    }
  | { ok: false; error: PlanError };

/** `executions.run_scope` as stored: one of the scopes, or null. */
export const scopeOf = (value: string | null): RunScope | null =>
  (runScopes as readonly string[]).includes(value ?? '') ? (value as RunScope) : null;

const fingerprintsSchema = z.record(z.string(), z.string());

/** `executions.fingerprints` as stored; an unreadable value reads as none (every node then runs). */
export const parseFingerprints = (text: string | null): Record<string, string> => {
  if (text === null) return {};
  try {
    const parsed = fingerprintsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
};

/**
 * The handles of a stored output (`{"main":[…],"false":[]}`, as the engine
 * encodes it) whose lists are not empty, read off the text's top level
 * without parsing its items: the base's outputs can be tens of megabytes.
 */
export const handlesWithData = (text: string): string[] => {
  const found: string[] = [];
  let depth = 0;
  let key: string | undefined;
  let keyStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (depth === 1 && keyStart === -1) {
        keyStart = start;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          key = undefined;
        }
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 1 && c === 91 && key !== undefined && text.charCodeAt(i + 1) !== 93 /* ] */) found.push(key);
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    } else if (c === 44 /* , */ && depth === 1) {
      keyStart = -1;
      key = undefined;
    }
  }
  return found;
};

/** Only each node's last run is read: a loop node's earlier outputs count as its last run's (docs/decisions.md). */
const baseOf = (base: NonNullable<PartialInput['base']>): PlanBase =>
  planBaseOf(
    base.fingerprints,
    base.runs.map((r) => ({
      nodeId: r.nodeId,
      runIndex: r.runIndex,
      status: r.status === 'succeeded' ? 'succeeded' : 'failed',
      itemsOut: Object.fromEntries(handlesWithData(r.output).map((handle) => [handle, 1])),
    })),
  );

/** A whole manual run starts at one trigger: the plan keeps what that trigger reaches. */
const fromTrigger = (plan: RunPlan, definition: WorkflowDefinition, startNodeId: string): RunPlan => {
  const reached = reachable(graphFromDefinition(definition), [startNodeId], 'out');
  const keep = (id: string) => reached.has(id);
  return {
    ...plan,
    startNodeIds: plan.startNodeIds.filter(keep),
    subgraph: plan.subgraph.filter(keep),
    reuse: plan.reuse.filter(keep),
    pinned: plan.pinned.filter(keep),
    run: plan.run.filter(keep),
  };
};

export const planPartialJob = (input: PartialInput): PartialOutcome => {
  const planned = planRun({
    definition: input.definition,
    fingerprints: input.fingerprints,
    ...(input.base ? { base: baseOf(input.base) } : {}),
    ...(input.pins ? { pins: input.pins } : {}),
    scope: input.scope,
    ...(input.destination === undefined ? {} : { destination: input.destination }),
  });
  if (!planned.ok) return planned;
  let { plan } = planned;
  if (input.scope === 'all' && input.startNodeId !== undefined && plan.subgraph.includes(input.startNodeId)) {
    plan = fromTrigger(plan, input.definition, input.startNodeId);
  }
  if (input.scope === 'all' && plan.reuse.length === 0) return { ok: true, partial: undefined, plan, reusedBytes: 0 };
  const reused = new Set(plan.reuse);
  const reuse: ReusedRun[] = [];
  let reusedBytes = 0;
  // In the order the base ran them: the engine hands their items on in that order, as the base did.
  for (const r of input.base?.runs ?? []) {
    const id = r.nodeId;
    if (!reused.has(id)) continue;
    reusedBytes += Buffer.byteLength(r.output) + (r.paired === null ? 0 : Buffer.byteLength(r.paired));
    reuse.push({
      nodeId: id,
      runIndex: r.runIndex,
      output: r.output,
      ...(r.paired === null ? {} : { paired: r.paired }),
    });
  }
  return {
    ok: true,
    plan,
    reusedBytes,
    partial: {
      startNodeIds: plan.startNodeIds,
      subgraph: plan.subgraph,
      ...(plan.destination === undefined ? {} : { destination: plan.destination }),
      reuse,
    },
  };
};

/**
 * Planning as the run will go: with the base; without it when its reuse is
 * past `maxReuseBytes` (or the base is gone); and a step that cannot run
 * without the base's outputs runs to its node from the trigger instead.
 * `dropped` says why reuse was given up, for the execution's log.
 */
export const planWithinCap = (
  input: PartialInput,
  maxReuseBytes: number,
): { outcome: PartialOutcome; scope: RunScope; dropped?: string } => {
  const outcome = planPartialJob(input);
  if (!outcome.ok || outcome.reusedBytes <= maxReuseBytes) return { outcome, scope: input.scope };
  const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
  const dropped = `Reusing the base run's outputs would carry ${mb(outcome.reusedBytes)}, more than the ${mb(maxReuseBytes)} a run may reuse (WEFT_MAX_REUSE_BYTES): every node runs again`;
  const fresh = { ...input, base: undefined };
  const again = planPartialJob(fresh);
  if (again.ok || input.scope !== 'step') return { outcome: again, scope: input.scope, dropped };
  return { outcome: planPartialJob({ ...fresh, scope: 'toHere' }), scope: 'toHere', dropped };
};
