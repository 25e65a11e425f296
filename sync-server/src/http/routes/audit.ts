import type { AdminAuditEventDto, AuditEventDto } from '#shared/api/audit.ts';
import { auditMoment } from '#shared/api/audit.ts';
import * as routes from '#shared/api/routes/audit.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { AuditEvent, AuditQuery, AuditStore } from '../../audit/audit-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { contractRoutes, implement } from './contract-routes.ts';

interface Filters {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

const storeQuery = (q: Filters): AuditQuery => ({
  // One more than asked: whether there is an older page, without a second query.
  limit: q.limit + 1,
  ...(q.cursor !== undefined ? { before: Number(q.cursor) } : {}),
  ...(q.action !== undefined ? { actionPrefixes: q.action.split(',') } : {}),
  ...(q.actor !== undefined ? { actorId: q.actor } : {}),
  ...(q.since !== undefined ? { since: auditMoment(q.since) } : {}),
  ...(q.until !== undefined ? { until: auditMoment(q.until) } : {}),
});

const page = <T>(events: AuditEvent[], limit: number, dto: (e: AuditEvent) => T) => {
  const shown = events.slice(0, limit);
  const last = events.length > limit ? shown.at(-1) : undefined;
  return { events: shown.map(dto), nextCursor: last ? String(last.seq) : null };
};

/** Invitee addresses are personal data: only those who manage the members see them. */
const withoutAddresses = (data: Record<string, unknown>): Record<string, unknown> => {
  const { email: _email, ...rest } = data;
  return rest;
};

const eventDto = (e: AuditEvent, showAddresses: boolean): AuditEventDto => ({
  id: String(e.seq),
  action: e.action,
  actor: e.actor.id !== null ? { id: e.actor.id, name: e.actor.name ?? '' } : null,
  at: e.at,
  via: e.actor.via,
  session: e.actor.sessionRef,
  target: e.target,
  data: showAddresses ? e.data : withoutAddresses(e.data),
});

const adminEventDto = (e: AuditEvent): AdminAuditEventDto => ({
  ...eventDto(e, true),
  workflow: e.workflowId !== null ? { id: e.workflowId, name: e.workflowName } : null,
  address: e.actor.address,
});

/** The audit trail (docs/plans/collaboration.md §6.3): a workflow's for its editors and owners, all of it for the admin. */
export const auditRoutes = ({ audit, workflows }: { audit: AuditStore; workflows: WorkflowStore }) =>
  contractRoutes('/api', [
    implement(routes.listWorkflowAudit, async (_c, { user, params, query }, reply) => {
      if (!ID_PATTERN.test(params.id)) throw new UserError(ErrorCodes.notFound, `Workflow ${params.id} does not exist`);
      const role = await requireAccess(workflows, params.id, user, 'edit');
      const events = await audit.list({ ...storeQuery(query), workflowId: params.id });
      return reply(
        200,
        page(events, query.limit, (e) => eventDto(e, role === 'owner')),
      );
    }),
    implement(routes.listAudit, async (_c, { user, query }, reply) => {
      if (!user.isAdmin)
        throw new UserError(ErrorCodes.forbidden, 'Only the instance admin can read the whole audit trail');
      const events = await audit.list({
        ...storeQuery(query),
        ...(query.workflowId !== undefined ? { workflowId: query.workflowId } : {}),
      });
      return reply(200, page(events, query.limit, adminEventDto));
    }),
  ]);
