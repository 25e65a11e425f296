import type { AuditLog } from './audit-log.ts';
import type { AuditActor } from './audit-store.ts';

/** Pairs remembered per instance: far more than the credentials × versions that run in a day, a few MB at most. */
export const CREDENTIAL_USE_MEMORY = 10_000;

/** A run's engine used the credential; the person who started it, if anyone, is in the event's data. */
const ENGINE_ACTOR: AuditActor = { id: null, name: null, via: 'engine', sessionRef: null, address: null };

export interface CredentialUse {
  credentialId: string;
  workflowId: string;
  versionHash: string;
  executionId: string;
  mode: string;
  startedBy: string | null;
}

/**
 * Records `credential.used` once per (credential, workflow version)
 * (docs/plans/collaboration.md §6.2): a webhook may run thousands of times a
 * minute, and the run path must not gain a write per run. An instance
 * remembers the pairs it recorded in a small LRU, so a pair costs it one
 * insert until the pair is forgotten; the event's unique `dedupe_key` makes
 * every later insert (another instance, a restart, an evicted pair) a no-op,
 * so the trail holds the pair once overall. The first run's id and starter
 * are what the event names. A write that fails is logged by the AuditLog and
 * not tried again by this instance while it remembers the pair: retrying
 * would put the write back on every run while the database is in trouble.
 *
 * A Map keeps insertion order, which is all an LRU needs; a dependency for
 * these few lines would not pay its way.
 */
export class CredentialUseAudit {
  private readonly seen = new Map<string, true>();

  constructor(
    private readonly log: AuditLog,
    private readonly capacity = CREDENTIAL_USE_MEMORY,
  ) {}

  /** Never rejects and never waits for the database: the run is handed over without it. */
  used(use: CredentialUse): void {
    const key = `used:${use.credentialId}:${use.versionHash}`;
    if (this.seen.has(key)) {
      this.seen.delete(key);
      this.seen.set(key, true);
      return;
    }
    this.seen.set(key, true);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    void this.log.record(ENGINE_ACTOR, {
      action: 'credential.used',
      workflowId: use.workflowId,
      target: { type: 'credential', id: use.credentialId },
      data: {
        versionHash: use.versionHash,
        executionId: use.executionId,
        mode: use.mode,
        startedBy: use.startedBy,
      },
      dedupeKey: key,
    });
  }
}
