import { defaultRunLimits, type NetworkPolicy, type RunLimits } from '#shared/protocol/engine.ts';
import { defaultSettings, type WorkflowDefinition } from '#shared/schema/definition.ts';
import type { Config } from '../config.ts';

/**
 * What every job carries from the server's settings: the run's budgets and
 * where its HTTP requests may go. Engines follow it whoever runs them, so an
 * engine that joins from elsewhere keeps this server's rules.
 */

export interface RunPolicy {
  limits: RunLimits;
  network: NetworkPolicy;
  /** The zone of workflows without one of their own. */
  timezone: string;
  /** The time limit of workflows without one of their own (the instance settings); unset: the engine's default. */
  defaultTimeoutSeconds?: number;
}

/** The settings it comes from; those left out (tests, embedders) take their defaults. */
export type RunPolicyConfig = Pick<Config, 'signup'> & Partial<RunPolicySettings>;

export type RunPolicySettings = Pick<
  Config,
  | 'maxNodeRuns'
  | 'maxItemsPerNode'
  | 'maxItemsPerExecution'
  | 'maxBytesPerNode'
  | 'maxBytesPerExecution'
  | 'httpPrivate'
  | 'httpAllow'
  | 'httpDeny'
  | 'timezone'
>;

let hostZone: string | undefined;

/** The host's zone (what n8n would take from GENERIC_TIMEZONE's absence is New York; Weft takes the machine's). */
export const hostTimezone = (): string => {
  // Resolving it builds a DateTimeFormat (tens of µs); the process's zone does not change while it runs.
  if (hostZone === undefined) {
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    hostZone = typeof zone === 'string' && zone !== '' ? zone : 'UTC';
  }
  return hostZone;
};

/**
 * The policy of a configuration. Private addresses are blocked by default
 * while anyone can sign up (and so write workflows that call whatever the
 * server can reach); an instance of known accounts calls its own network
 * unless told otherwise.
 */
export const runPolicyOf = (config: RunPolicyConfig): RunPolicy => ({
  limits: {
    maxNodeRuns: config.maxNodeRuns ?? defaultRunLimits.maxNodeRuns,
    maxItemsPerNode: config.maxItemsPerNode ?? defaultRunLimits.maxItemsPerNode,
    maxItemsPerExecution: config.maxItemsPerExecution ?? defaultRunLimits.maxItemsPerExecution,
    maxBytesPerNode: config.maxBytesPerNode ?? defaultRunLimits.maxBytesPerNode,
    maxBytesPerExecution: config.maxBytesPerExecution ?? defaultRunLimits.maxBytesPerExecution,
  },
  network: {
    privateAddresses: config.httpPrivate ?? (config.signup === 'open' ? 'block' : 'allow'),
    allow: config.httpAllow ?? [],
    deny: config.httpDeny ?? [],
  },
  timezone: config.timezone ?? hostTimezone(),
});

/** A run's time limit in seconds, as the engine applies it (0: none): its workflow's own, else the instance's default. */
export const timeLimitOf = (definition: WorkflowDefinition, defaultTimeoutSeconds: number | undefined): number =>
  definition.settings.timeoutSeconds ?? defaultTimeoutSeconds ?? defaultSettings.timeoutSeconds;
