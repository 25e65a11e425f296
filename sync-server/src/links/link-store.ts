import type { Role } from '../workflows/workflow-store.ts';

/**
 * The storage port for share links (docs/plans/collaboration.md §3.2). Every
 * implementation passes test/contracts/link-store.contract.ts.
 *
 * Contract:
 * - tokens are stored as their sha256 (what `peek` and `joinByLink` look up)
 *   and sealed with the credential key (what `list` and `unseal` open);
 * - `joinByLink` is one transaction that locks the link's row: checks, the
 *   join row, the membership and the use count commit together, and joins
 *   at once (two instances) take the last use one at a time;
 * - a membership is never lowered: the link's role is given only to a person
 *   who is no member or holds a lower role;
 * - `uses` counts distinct people: a member the link does not raise, and a
 *   person who joined through it before, use nothing;
 * - revoking never removes members; deleting the workflow deletes its links.
 *
 * No audit events yet: when the audit store comes (§6), `create`, `revoke`
 * and `joinByLink` each take an `AuditDraft` written in their transaction.
 */

export const linkRoles = ['editor', 'commenter', 'viewer'] as const;
export type LinkRole = (typeof linkRoles)[number];

/** Higher gives more: a join never lowers a role. */
export const roleRank: Record<Role, number> = { viewer: 0, commenter: 1, editor: 2, owner: 3 };

export interface NewLink {
  workflowId: string;
  /** The token the link's URL carries (links/link-token.ts); stored only hashed and sealed. */
  token: string;
  role: LinkRole;
  label: string | null;
  expiresAt: number | null;
  maxUses: number | null;
  createdBy: string;
  now: number;
}

export interface LinkRow {
  id: string;
  workflowId: string;
  role: LinkRole;
  label: string | null;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface LinkJoin {
  userId: string;
  name: string;
  email: string;
  joinedAt: number;
}

export interface ListedLink extends LinkRow {
  /** The token again, for the owners to copy; undefined when its seal does not open with this key. */
  token: string | undefined;
  /** Who joined through it, newest first, at most {@link MAX_LISTED_JOINS}. */
  joined: LinkJoin[];
}

export const MAX_LISTED_JOINS = 50;

/** Why a link admits nobody any more, with what the message names. */
export type LinkGone =
  | { reason: 'revoked'; revokedAt: number }
  | { reason: 'expired'; expiresAt: number }
  | { reason: 'usedUp'; maxUses: number };

/** What a visitor holding the token may see before joining. */
export interface LinkPeek {
  workflowId: string;
  workflowName: string;
  role: LinkRole;
  /** The name of who made the link, if that account still exists. */
  invitedBy: string | null;
  expiresAt: number | null;
}

export type JoinResult =
  | {
      /** `joined`: the link made them a member or raised their role; `alreadyMember`: it changed nothing. */
      status: 'joined' | 'alreadyMember';
      workflowId: string;
      /** The role they hold now. */
      role: Role;
      /** They were a member before with a lower role. */
      raised: boolean;
    }
  | ({ status: 'gone' } & LinkGone);

export interface LinkStore {
  create(link: NewLink): Promise<LinkRow>;
  /** The workflow's links, newest first, with who joined. */
  list(workflowId: string): Promise<ListedLink[]>;
  /** Revokes a link of this workflow (a revoked one keeps its first revocation); false when there is none. */
  revoke(workflowId: string, linkId: string, by: string, now: number): Promise<boolean>;
  /** The link's token; undefined when there is no such link or its seal does not open. */
  unseal(linkId: string): Promise<string | undefined>;
  /** What the token's link offers, why it is gone, or undefined for an unknown token. */
  peek(tokenHash: string, now: number): Promise<LinkPeek | { gone: LinkGone } | undefined>;
  /** Joins `user` through the token's link (see the contract above); undefined for an unknown token. */
  joinByLink(tokenHash: string, user: { id: string }, now: number): Promise<JoinResult | undefined>;
}

/** Why a link is closed at `now`, judged from its row: revoked, then expired, then used up. */
export const goneOf = (
  link: { revokedAt: number | null; expiresAt: number | null; maxUses: number | null; uses: number },
  now: number,
): LinkGone | undefined => {
  if (link.revokedAt !== null) return { reason: 'revoked', revokedAt: link.revokedAt };
  if (link.expiresAt !== null && now >= link.expiresAt) return { reason: 'expired', expiresAt: link.expiresAt };
  if (link.maxUses !== null && link.uses >= link.maxUses) return { reason: 'usedUp', maxUses: link.maxUses };
  return undefined;
};

/**
 * What a join does, decided from the locked link row and the person's state:
 * shared by both adapters so the rules cannot drift apart.
 */
export const decideJoin = (
  link: { role: LinkRole; revokedAt: number | null; expiresAt: number | null; maxUses: number | null; uses: number },
  person: { role: Role | undefined; joinedBefore: boolean },
  now: number,
):
  | { action: 'gone'; gone: LinkGone }
  | { action: 'none'; role: Role }
  | { action: 'grant'; raised: boolean; countsUse: boolean } => {
  // Revoked and expired links admit nobody, members included: the answer does not depend on who asks.
  const closed = goneOf({ ...link, maxUses: null }, now);
  if (closed) return { action: 'gone', gone: closed };
  if (person.role !== undefined && roleRank[person.role] >= roleRank[link.role]) {
    return { action: 'none', role: person.role };
  }
  const countsUse = !person.joinedBefore;
  if (countsUse && link.maxUses !== null && link.uses >= link.maxUses) {
    return { action: 'gone', gone: { reason: 'usedUp', maxUses: link.maxUses } };
  }
  return { action: 'grant', raised: person.role !== undefined, countsUse };
};
