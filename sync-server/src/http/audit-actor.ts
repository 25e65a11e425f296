import type { Context } from 'hono';
import type { AccountStore, User } from '../accounts/account-store.ts';
import { hashSecret, sessionIdOf } from '../accounts/tokens.ts';
import type { AuditDraft, AuditLog } from '../audit/audit-log.ts';
import type { AuditActor } from '../audit/audit-store.ts';
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
export type RequestAudit = (
  c: Context<AppEnv>,
  user: User | undefined,
  drafts: AuditDraft | AuditDraft[],
) => Promise<void>;

export const requestAudit =
  (log: AuditLog, deps: { accounts: AccountStore; trustProxy: boolean }): RequestAudit =>
  async (c, user, drafts) => {
    let actor: AuditActor;
    try {
      actor = await actorOf(c, user, deps);
    } catch {
      // Who did it matters more than which session: record the event without it.
      const via = c.get('authVia') === 'token' ? 'token' : 'session';
      actor = { id: user?.id ?? null, name: user?.name ?? null, via, sessionRef: null, address: null };
    }
    await log.record(actor, drafts);
  };

/** Records an audit event for the request in `c` (set on every API request by createApp). */
export const audit = (c: Context<AppEnv>, user: User | undefined, drafts: AuditDraft | AuditDraft[]): Promise<void> => {
  const record = c.get('audit');
  return record ? record(c, user, drafts) : Promise.resolve();
};
