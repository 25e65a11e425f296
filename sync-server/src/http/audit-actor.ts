import type { Context } from 'hono';
import type { AccountStore, User } from '../accounts/account-store.ts';
import { hashSecret, sessionIdOf } from '../accounts/tokens.ts';
import type { AuditDraft, AuditLog } from '../audit/audit-log.ts';
import type { AuditActor, NewAuditEvent } from '../audit/audit-store.ts';
import { readSessionCookie, type AppEnv } from './auth.ts';
import { clientAddress } from './client-address.ts';

/**
 * Who made a request, for the audit trail: the user, whether by session or
 * API token, which one (the id the sessions or tokens page shows) and from
 * which address. Worked out only when something is recorded.
 */
export const actorOf = async (
  c: Context<AppEnv>,
  user: User | undefined,
  deps: { accounts: AccountStore; trustProxy: boolean },
): Promise<AuditActor> => {
  const address = clientAddress(c, deps.trustProxy);
  const base = { id: user?.id ?? null, name: user?.name ?? null, address };
  if (c.get('authVia') === 'token') {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const id = token ? await deps.accounts.apiTokenId(token) : undefined;
    return { ...base, via: 'token', sessionRef: id ? `token:${id}` : null };
  }
  const cookie = readSessionCookie(c);
  return { ...base, via: 'session', sessionRef: cookie ? sessionIdOf(hashSecret(cookie)) : null };
};

/** Records for a request, after its action; never rejects (AuditLog). */
export interface RequestAudit {
  (c: Context<AppEnv>, user: User | undefined, drafts: AuditDraft | AuditDraft[]): Promise<void>;
  /**
   * Works out who made the request now, while it is at hand, and answers a
   * recorder for what is done after the answer (a mail sent with retries).
   */
  later(c: Context<AppEnv>, user: User | undefined): Promise<(drafts: AuditDraft | AuditDraft[]) => Promise<void>>;
  /** The event for a store to write in the change's own transaction (AuditLog.prepare). */
  prepare(c: Context<AppEnv>, user: User | undefined, draft: AuditDraft): Promise<NewAuditEvent | undefined>;
}

export const requestAudit = (log: AuditLog, deps: { accounts: AccountStore; trustProxy: boolean }): RequestAudit => {
  const actorFor = async (c: Context<AppEnv>, user: User | undefined): Promise<AuditActor> => {
    try {
      return await actorOf(c, user, deps);
    } catch {
      // Who did it matters more than which session: record the event without it.
      const via = c.get('authVia') === 'token' ? 'token' : 'session';
      return { id: user?.id ?? null, name: user?.name ?? null, via, sessionRef: null, address: null };
    }
  };
  const record = async (c: Context<AppEnv>, user: User | undefined, drafts: AuditDraft | AuditDraft[]) => {
    await log.record(await actorFor(c, user), drafts);
  };
  return Object.assign(record, {
    later: async (c: Context<AppEnv>, user: User | undefined) => {
      const actor = await actorFor(c, user);
      return (drafts: AuditDraft | AuditDraft[]) => log.record(actor, drafts);
    },
    prepare: async (c: Context<AppEnv>, user: User | undefined, draft: AuditDraft) =>
      (await log.prepare(await actorFor(c, user), draft))[0],
  });
};

/** Records an audit event for the request in `c` (set on every API request by createApp). */
export const audit = (c: Context<AppEnv>, user: User | undefined, drafts: AuditDraft | AuditDraft[]): Promise<void> => {
  const record = c.get('audit');
  return record ? record(c, user, drafts) : Promise.resolve();
};

/** `audit`, for events that happen after the answer: the actor is read from the request now. */
export const auditLater = async (
  c: Context<AppEnv>,
  user: User | undefined,
): Promise<(drafts: AuditDraft | AuditDraft[]) => Promise<void>> => {
  const record = c.get('audit');
  return record ? record.later(c, user) : () => Promise.resolve();
};

/**
 * The event for an access change, for the store to append in the change's
 * transaction: if it cannot be written, the change is not made either.
 * Undefined when nothing records (parts of the server built alone).
 */
export const auditInTransaction = async (
  c: Context<AppEnv>,
  user: User | undefined,
  draft: AuditDraft,
): Promise<NewAuditEvent | undefined> => {
  const record = c.get('audit');
  return record ? record.prepare(c, user, draft) : undefined;
};
