import type * as Y from 'yjs';
import { describeReason, type PlanBase } from '#shared/runs/dirty.ts';
import { definitionFingerprints, withCredentialPartOf } from '#shared/runs/fingerprint.ts';
import { planRun, type PlanResult, type RunScope } from '#shared/runs/partial-plan.ts';
import { pinItemsOf, readPins } from '#shared/schema/pins.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';

/**
 * The plan of the live document against a base run, as the server will make
 * it. Loaded by RunPlanner only once there is a run to build on: the planner
 * (fingerprints, the port of n8n's partial execution) stays out of the app's
 * first load.
 */
export const planLive = (doc: Y.Doc, base: PlanBase | undefined, scope: RunScope, destination?: string): PlanResult => {
  const definition = toDefinition(doc);
  const pins = pinItemsOf(readPins(doc));
  const fingerprints = definitionFingerprints(definition, { credentials: {}, pins });
  if (base) {
    for (const [id, fingerprint] of Object.entries(fingerprints)) {
      const before = Object.hasOwn(base.fingerprints, id) ? base.fingerprints[id] : undefined;
      if (before !== undefined) fingerprints[id] = withCredentialPartOf(fingerprint, before);
    }
  }
  return planRun({
    definition,
    fingerprints,
    ...(base ? { base } : {}),
    pins,
    scope,
    ...(destination === undefined ? {} : { destination }),
  });
};

/** Node id → why it runs again, for the nodes a plan runs. */
export const runReasons = (result: PlanResult): Map<string, string> => {
  const out = new Map<string, string>();
  if (!result.ok) return out;
  for (const id of result.plan.run) {
    const reason = result.plan.reasons[id];
    out.set(id, reason ? describeReason(reason) : 'runs again');
  }
  return out;
};
