import * as routes from '#shared/api/routes/links.ts';
import { expiryMs, LINK_MAX_LIFETIME_MS, type CreatedLinkDto, type LinkDto } from '#shared/api/links.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { LinkLimits } from '../../links/link-limits.ts';
import type { LinkGone, LinkRow, LinkStore } from '../../links/link-store.ts';
import { hashLinkToken, LINK_TOKEN_PATTERN, newLinkToken } from '../../links/link-token.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import type { SocketRevalidator } from '../auth.ts';
import { clientAddress } from '../client-address.ts';
import { publicBase } from '../public-base.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface LinkRouteDeps {
  links: LinkStore;
  workflows: WorkflowStore;
  revalidate: SocketRevalidator;
  limits: LinkLimits;
  trustProxy: boolean;
  /** WEFT_PUBLIC_URL, when set: the origin links name instead of the request's. */
  publicUrl?: string | undefined;
  now?: () => number;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The 410 a closed link answers, saying why in words a visitor understands. */
export const goneError = (gone: LinkGone): UserError => {
  switch (gone.reason) {
    case 'expired':
      return new UserError(ErrorCodes.gone, `This link expired on ${day.format(gone.expiresAt)}`);
    case 'usedUp':
      return new UserError(ErrorCodes.gone, `This link has been used by as many people as it allows (${gone.maxUses})`);
    case 'revoked':
      return new UserError(ErrorCodes.gone, 'This link was turned off by its owner');
  }
};

const invalidExpiry = (message: string): UserError =>
  new UserError(ErrorCodes.validationFailed, `expiresAt: ${message}`, {
    issues: [{ path: ['expiresAt'], message: `expiresAt: ${message}`, severity: 'error' }],
  });

const workflowId = (raw: string): string => {
  if (!ID_PATTERN.test(raw)) throw new UserError(ErrorCodes.notFound, `Workflow ${raw} does not exist`);
  return raw;
};

const unknownLink = (): UserError => new UserError(ErrorCodes.notFound, 'There is no such link');

/** Malformed tokens are unknown without a look-up. */
const tokenHash = (raw: string): string => {
  if (!LINK_TOKEN_PATTERN.test(raw)) throw unknownLink();
  return hashLinkToken(raw);
};

const linkFields = (row: LinkRow) => ({
  id: row.id,
  role: row.role,
  label: row.label,
  uses: row.uses,
  maxUses: row.maxUses,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

/**
 * Share links (docs/plans/collaboration.md §3.3): owners make, list and
 * revoke them under /api/workflows/:id/links; anyone holding a token looks
 * at it and, signed in, joins through it under /api/links/:token.
 */
export const linkRoutes = ({
  links,
  workflows,
  revalidate,
  limits,
  trustProxy,
  publicUrl,
  now = Date.now,
}: LinkRouteDeps) =>
  contractRoutes('/api', [
    implement(routes.createLink, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(workflows, id, user, 'manageMembers');
      const request = await body();
      const at = now();
      let expiresAt: number | null = null;
      if (request.expiresAt) {
        expiresAt = expiryMs(request.expiresAt);
        if (expiresAt <= at) throw invalidExpiry('must be in the future');
        if (expiresAt > at + LINK_MAX_LIFETIME_MS) throw invalidExpiry('must be at most a year ahead');
      }
      const token = newLinkToken();
      const row = await links.create({
        workflowId: id,
        token,
        role: request.role,
        label: request.label || null,
        expiresAt,
        maxUses: request.maxUses ?? null,
        createdBy: user.id,
        now: at,
      });
      await audit(c, user, {
        action: 'link.created',
        workflowId: id,
        target: { type: 'link', id: row.id },
        data: { role: row.role, expiresAt, maxUses: request.maxUses ?? null, label: request.label || null },
      });
      const created: CreatedLinkDto = {
        ...linkFields(row),
        revokedAt: null,
        token,
        url: `${publicBase(c, trustProxy, publicUrl)}/join/${token}`,
      };
      return reply(201, created);
    }),
    implement(routes.listLinks, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(workflows, id, user, 'manageMembers');
      const base = publicBase(c, trustProxy, publicUrl);
      const listed: LinkDto[] = (await links.list(id)).map((l) => ({
        ...linkFields(l),
        url: l.token === undefined ? null : `${base}/join/${l.token}`,
        joined: l.joined,
      }));
      return reply(200, { links: listed });
    }),
    implement(routes.revokeLink, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(workflows, id, user, 'manageMembers');
      if (!(await links.revoke(id, params.linkId, user.id, now()))) {
        throw new UserError(ErrorCodes.notFound, 'No such link to this workflow');
      }
      await audit(c, user, { action: 'link.revoked', workflowId: id, target: { type: 'link', id: params.linkId } });
      return reply(204);
    }),
    implement(routes.previewLink, async (c, { params }, reply) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const peeked = await links.peek(tokenHash(params.token), now());
      if (!peeked) throw unknownLink();
      if ('gone' in peeked) throw goneError(peeked.gone);
      const { workflowName, role, invitedBy, expiresAt } = peeked;
      return reply(200, { workflowName, role, invitedBy, expiresAt });
    }),
    implement(routes.joinLink, async (c, { user, params }, reply) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const joined = await links.joinByLink(tokenHash(params.token), { id: user.id }, now());
      if (!joined) throw unknownLink();
      if (joined.status === 'gone') throw goneError(joined);
      // Their open sockets still carry the old role: they reconnect (4100) and come back with the new one.
      if (joined.raised) await revalidate({ userId: user.id, workflowId: joined.workflowId });
      await audit(c, user, {
        action: 'link.used',
        workflowId: joined.workflowId,
        target: { type: 'user', id: user.id },
        data: { role: joined.role, raised: joined.raised },
      });
      return reply(200, { workflowId: joined.workflowId, role: joined.role });
    }),
  ]);
