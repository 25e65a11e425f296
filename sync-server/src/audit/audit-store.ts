/**
 * The storage port of the audit trail (docs/plans/collaboration.md §6.1).
 * Append-only: there is no update and no delete of single events, and the
 * database refuses them too (migrations *_audit_append_only). Every
 * implementation passes test/contracts/audit-store.contract.ts.
 */

export const AUDIT_VIAS = ['session', 'token', 'socket', 'system', 'engine'] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

/** Who did it and from where; `id` and `name` are null for the system. */
export interface AuditActor {
  id: string | null;
  name: string | null;
  via: AuditVia;
  /** The session id the sessions page shows, or `token:<id>`. */
  sessionRef: string | null;
  address: string | null;
}

export interface NewAuditEvent {
  at: number;
  /** `<area>.<verb>`, e.g. `member.invited`. */
  action: string;
  actor: AuditActor;
  workflowId?: string | null;
  /** A copy: the event keeps it after the workflow is renamed or deleted. */
  workflowName?: string | null;
  target?: { type: string; id: string } | null;
  data?: Record<string, unknown>;
  /** Set only by events that must be recorded once; a second append with it is ignored. */
  dedupeKey?: string | null;
}

export interface AuditEvent {
  seq: number;
  at: number;
  action: string;
  actor: AuditActor;
  workflowId: string | null;
  workflowName: string | null;
  target: { type: string; id: string } | null;
  data: Record<string, unknown>;
}

export interface AuditQuery {
  workflowId?: string;
  limit: number;
  /** Events older than this seq (the previous page's last): stable while others append. */
  before?: number;
  /** Actions starting with any of these: `member.` matches every member event; `link.used` only that one. */
  actionPrefixes?: readonly string[];
  actorId?: string;
  /** Inclusive bounds on `at`. */
  since?: number;
  until?: number;
}

export interface AuditStore {
  /** Appends in order; events whose dedupe key is taken are skipped. Answers how many were added. */
  append(events: readonly NewAuditEvent[]): Promise<number>;
  /** Newest first (by seq). */
  list(query: AuditQuery): Promise<AuditEvent[]>;
  /** Deletes the oldest events with `at < olderThan`, at most `limit`; answers how many (retention only). */
  prune(olderThan: number, limit: number): Promise<number>;
}

/** A row as both adapters store and select it. */
export interface AuditRow {
  seq: number;
  at: number;
  action: string;
  actorId: string | null;
  actorName: string | null;
  via: AuditVia;
  sessionRef: string | null;
  address: string | null;
  workflowId: string | null;
  workflowName: string | null;
  targetType: string | null;
  targetId: string | null;
  data: string;
  dedupeKey: string | null;
}

export const toAuditRow = (e: NewAuditEvent): Omit<AuditRow, 'seq'> => ({
  at: e.at,
  action: e.action,
  actorId: e.actor.id,
  actorName: e.actor.name,
  via: e.actor.via,
  sessionRef: e.actor.sessionRef,
  address: e.actor.address,
  workflowId: e.workflowId ?? null,
  workflowName: e.workflowName ?? null,
  targetType: e.target?.type ?? null,
  targetId: e.target?.id ?? null,
  data: JSON.stringify(e.data ?? {}),
  dedupeKey: e.dedupeKey ?? null,
});

const parseData = (text: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

export const toAuditEvent = (r: Omit<AuditRow, 'dedupeKey'>): AuditEvent => ({
  seq: r.seq,
  at: r.at,
  action: r.action,
  actor: { id: r.actorId, name: r.actorName, via: r.via, sessionRef: r.sessionRef, address: r.address },
  workflowId: r.workflowId,
  workflowName: r.workflowName,
  target: r.targetType !== null && r.targetId !== null ? { type: r.targetType, id: r.targetId } : null,
  data: parseData(r.data),
});

/** A LIKE pattern matching names that start with `prefix`, used with `escape '\'`. */
export const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
