import type { Logger } from '#shared/log.ts';
import type { AuditActor, AuditStore, NewAuditEvent } from './audit-store.ts';

/** What a caller says happened; the log adds the time, and the workflow's name when it is not given. */
export type AuditDraft = Omit<NewAuditEvent, 'at' | 'actor'> & { at?: number };

/** Done by the server itself: the pen's idle release, retention. */
export const SYSTEM_ACTOR: AuditActor = { id: null, name: null, via: 'system', sessionRef: null, address: null };

/**
 * Records what happened after it happened (docs/plans/collaboration.md §6.2).
 * `record` never rejects: the action is done by then, and a failed audit
 * write must not turn it into an error for the person who did it. Failures
 * are logged.
 */
export interface AuditLog {
  record(actor: AuditActor, drafts: AuditDraft | readonly AuditDraft[]): Promise<void>;
  /**
   * The events `record` would append, for a store that writes them in the
   * same transaction as the change they describe (access changes, §6.1):
   * there a failed audit write fails the change. Rejects when the workflow's
   * name cannot be read.
   */
  prepare(actor: AuditActor, drafts: AuditDraft | readonly AuditDraft[]): Promise<NewAuditEvent[]>;
}

export interface AuditLogDeps {
  store: AuditStore;
  logger: Logger;
  /** The workflow's current name, copied into the event so it outlives renames and deletion. */
  workflowName: (id: string) => Promise<string | undefined>;
  now?: () => number;
}

const listOf = (drafts: AuditDraft | readonly AuditDraft[]): readonly AuditDraft[] =>
  // Array.isArray does not narrow a readonly array (TypeScript #17002).
  Array.isArray(drafts) ? (drafts as readonly AuditDraft[]) : [drafts as AuditDraft];

export const createAuditLog = ({ store, logger, workflowName, now = Date.now }: AuditLogDeps): AuditLog => {
  const prepare = async (actor: AuditActor, drafts: AuditDraft | readonly AuditDraft[]): Promise<NewAuditEvent[]> => {
    const names = new Map<string, string | undefined>();
    const events: NewAuditEvent[] = [];
    for (const { at, ...draft } of listOf(drafts)) {
      let name = draft.workflowName;
      if (name === undefined && draft.workflowId) {
        if (!names.has(draft.workflowId)) names.set(draft.workflowId, await workflowName(draft.workflowId));
        name = names.get(draft.workflowId) ?? null;
      }
      events.push({ ...draft, at: at ?? now(), actor, workflowName: name ?? null });
    }
    return events;
  };
  return {
    prepare,
    record: async (actor, drafts) => {
      try {
        await store.append(await prepare(actor, drafts));
      } catch (error) {
        logger.error({ err: error, actions: listOf(drafts).map((d) => d.action) }, 'audit event not recorded');
      }
    },
  };
};

/** An AuditLog that records nothing, for tests and tools that build parts of the server alone. */
export const noAuditLog: AuditLog = { record: () => Promise.resolve(), prepare: () => Promise.resolve([]) };
