import type { WorkflowDto } from '#shared/api/index.ts';
import * as routes from '#shared/api/routes/workflows.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import { decodeWorkflowCursor, encodeWorkflowCursor } from '#shared/api/workflow-list.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import type { EditPolicy } from '../../modes/edit-policy.ts';
import { requireChange } from '../../modes/require-change.ts';
import { can, requireAccess } from '../../workflows/access.ts';
import type { WorkflowService, WorkflowSummary } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import type { SocketRevalidator } from '../auth.ts';
import { readJsonBody } from '../errors.ts';
import type { ExecutionService } from '../../executions/execution-service.ts';
import { executionDto } from './executions.ts';
import type { TriggerService } from '../../triggers/trigger-service.ts';
import type { TestWebhooks } from '../../triggers/test-webhooks.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { defaultParameters } from '#shared/nodes/catalog.ts';
import { triggerFields } from '#shared/nodes/workflows.ts';
import type { VersionStore } from '../../executions/version-store.ts';
import type { HistoryStore } from '../../history/history-store.ts';
import { namedVersionHash } from '../../history/named-version.ts';
import { audit, auditInTransaction } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export const workflowDto = (w: WorkflowSummary): WorkflowDto => ({
  id: w.id,
  name: w.name,
  role: w.role,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
  active: w.active ?? false,
  publishedHash: w.publishedHash ?? null,
});

const workflowId = (raw: string): string => {
  if (!ID_PATTERN.test(raw)) throw new UserError(ErrorCodes.notFound, `Workflow ${raw} does not exist`);
  return raw;
};

/** A page of the workflow list given a cursor but no limit. */
const DEFAULT_PAGE = 50;

/** Failed runs are counted over this window for the list's failures column and sort. */
const FAILURE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Members named per row of the list (its avatars); the row also says how many there are. */
const LISTED_MEMBERS = 5;

/** Invitations waiting for an answer, per workflow: an owner cannot fill the table with addresses. */
export const MAX_PENDING_INVITATIONS = 200;

export interface WorkflowRouteDeps {
  credentials: CredentialStore;
  store: WorkflowStore;
  service: WorkflowService;
  executions: ExecutionService;
  triggers: TriggerService;
  testWebhooks: TestWebhooks;
  rooms: RoomManager;
  revalidate: SocketRevalidator;
  /** Edit modes: renaming, publishing, activating and deactivating follow the workflow's mode. */
  policy: EditPolicy;
  /** Saved versions: a workflow's published or named trigger (GET …/inputs). */
  versions: VersionStore;
  /** The history, where a version's name is looked up (GET …/inputs?version=named). */
  history: Pick<HistoryStore, 'list'>;
  now?: () => number;
}

/** Workflows, their export/import, their members and invitations, and the credentials granted to them. */
export const workflowRoutes = ({
  credentials,
  store,
  service,
  executions,
  triggers,
  testWebhooks,
  rooms,
  revalidate,
  policy,
  versions,
  history,
  now = Date.now,
}: WorkflowRouteDeps) =>
  contractRoutes('/api/workflows', [
    implement(routes.publishWorkflow, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireChange(policy, store, id, user);
      const hash = await triggers.publish(id, user);
      await audit(c, user, { action: 'workflow.published', workflowId: id, data: { hash } });
      return reply(200, { id, publishedHash: hash, active: (await store.get(id))?.active ?? false });
    }),
    implement(routes.activateWorkflow, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireChange(policy, store, id, user);
      await triggers.activate(id);
      await audit(c, user, { action: 'workflow.activated', workflowId: id });
      return reply(200, { id, publishedHash: (await store.get(id))?.publishedHash ?? null, active: true });
    }),
    implement(routes.deactivateWorkflow, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireChange(policy, store, id, user);
      await triggers.deactivate(id);
      await audit(c, user, { action: 'workflow.deactivated', workflowId: id });
      return reply(200, { id, publishedHash: (await store.get(id))?.publishedHash ?? null, active: false });
    }),
    implement(routes.listenTestWebhook, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'edit');
      const definition = await rooms.withRoom(id, (room) => toDefinition(room.doc));
      return reply(200, await testWebhooks.listen(id, user.id, definition));
    }),
    implement(routes.stopTestWebhook, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'edit');
      await testWebhooks.stop(id);
      return reply(204);
    }),
    implement(routes.runWorkflow, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'edit');
      // A body is optional (the editor's Run sends none); `weft run --input` sends the trigger's items.
      const request = await body();
      const run = await executions.run(id, user, {
        mode: 'manual',
        ...(request?.items ? { triggerItems: request.items } : {}),
        ...(request?.scope ? { scope: request.scope } : {}),
        ...(request?.destination ? { destination: request.destination } : {}),
        ...(request?.base ? { base: request.base } : {}),
      });
      await audit(c, user, {
        action: 'run.started',
        workflowId: id,
        target: { type: 'execution', id: run.id },
        data: { mode: run.mode },
      });
      return reply(201, executionDto(run));
    }),
    implement(routes.listWorkflows, async (_c, { user, query }, reply) => {
      const { q, cursor, tag, folder, active } = query;
      const sort = query.sort ?? 'updated';
      const after = cursor === undefined ? undefined : decodeWorkflowCursor(cursor, sort);
      if (cursor !== undefined && !after) {
        throw new UserError(ErrorCodes.badRequest, `cursor: not a cursor of the list sorted by ${sort}`);
      }
      const whole = query.limit === undefined && cursor === undefined;
      const limit = query.limit ?? DEFAULT_PAGE;
      const rows = await store.catalog.list(user.id, user.isAdmin, {
        q,
        tags: tag,
        folder,
        active,
        sort,
        after,
        // One row more than the page says whether another page follows.
        limit: whole ? undefined : limit + 1,
        failuresSince: now() - FAILURE_WINDOW_MS,
      });
      const page = whole ? rows : rows.slice(0, limit);
      const details = await store.catalog.details(
        user.id,
        page.map((w) => w.id),
      );
      const workflows = page.map((w): WorkflowDto => {
        const members = details.members.get(w.id) ?? [];
        const owner = members.find((m) => m.role === 'owner');
        return {
          ...workflowDto(w),
          tags: details.tags.get(w.id) ?? [],
          folderId: details.folders.get(w.id) ?? null,
          owner: owner ? { id: owner.id, name: owner.name } : null,
          members: members.slice(0, LISTED_MEMBERS).map((m) => ({ id: m.id, name: m.name })),
          memberCount: members.length,
          lastRun: w.lastRun,
          failures7d: w.failures7d,
        };
      });
      if (whole) return reply(200, { workflows });
      const last = page.at(-1);
      return reply(200, {
        workflows,
        nextCursor: rows.length > limit && last ? encodeWorkflowCursor({ sort, key: last.sortKey, id: last.id }) : null,
      });
    }),
    implement(routes.createWorkflow, async (c, { user, body }, reply) => {
      const { name } = await body();
      const created = await service.create(user, name);
      await audit(c, user, { action: 'workflow.created', workflowId: created.id, workflowName: created.name });
      return reply(201, workflowDto(created));
    }),
    // Either format is any JSON to the contract: the service tells them apart and lists every problem itself.
    implement(routes.importWorkflow, async (c, { user }, reply) => {
      const created = await service.import(user, await readJsonBody(c));
      await audit(c, user, { action: 'workflow.imported', workflowId: created.id, workflowName: created.name });
      return reply(201, { ...workflowDto(created), warnings: created.warnings });
    }),
    implement(routes.getWorkflow, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      const role = await requireAccess(store, id, user, 'read');
      return reply(200, workflowDto(await service.summary(id, role)));
    }),
    implement(routes.updateWorkflow, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      const role = await requireChange(policy, store, id, user);
      const patch = await body();
      const { name, previousName } = await service.update(id, user, patch);
      if (name !== previousName) {
        await audit(c, user, {
          action: 'workflow.renamed',
          workflowId: id,
          workflowName: name,
          data: { from: previousName, to: name },
        });
      }
      return reply(200, workflowDto({ ...(await service.summary(id, role)), name }));
    }),
    implement(routes.deleteWorkflow, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'delete');
      // Its name is copied now: after the delete there is nothing to read it from.
      const name = (await store.get(id))?.name ?? null;
      // Nothing of it may start or run while it goes: triggers first, then the runs in flight.
      await triggers.remove(id);
      await testWebhooks.stop(id);
      await executions.stopWorkflow(id);
      await service.delete(id);
      await audit(c, user, { action: 'workflow.deleted', workflowId: id, workflowName: name });
      return reply(204);
    }),
    implement(routes.exportWorkflow, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'read');
      return reply(200, await service.export(id));
    }),
    implement(routes.listMembers, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      const role = await requireAccess(store, id, user, 'read');
      // Pending invitations name addresses that are not members yet: only the owners who manage them see them.
      const invitations = can(role, 'manageMembers') ? await store.invitations(id) : [];
      return reply(200, { members: await store.members(id), invitations });
    }),
    implement(routes.addMember, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'manageMembers');
      const { email, role } = await body();
      // Only the workflow's own members are looked up, never the accounts: whether an
      // account uses the address changes neither the answer nor the work done for it.
      const member = await store.memberByEmail(id, email);
      if (member) {
        if (member.role === 'owner' && role !== 'owner' && (await store.countOwners(id)) <= 1) {
          throw new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');
        }
        // Access changes are recorded in their own transaction (docs/plans/collaboration.md §6.1):
        // a role change the trail cannot hold is not made.
        const event = await auditInTransaction(c, user, {
          action: 'member.role_changed',
          workflowId: id,
          target: { type: 'user', id: member.userId },
        });
        // The role the transaction replaced, not the one read above: another owner may have changed it since.
        let replaced: string | undefined;
        await store.upsertMember(id, member.userId, role, now(), (previous) => {
          replaced = previous;
          return event && previous !== undefined && previous !== role
            ? { ...event, data: { from: previous, to: role } }
            : undefined;
        });
        if (replaced !== role) await revalidate({ userId: member.userId, workflowId: id });
        return reply(200, { ...member, role });
      }
      const invitation = await store.invite(id, email, role, user.id, now(), MAX_PENDING_INVITATIONS);
      await audit(c, user, {
        action: 'member.invited',
        workflowId: id,
        target: { type: 'invitation', id: invitation.id },
        data: { role, email },
      });
      return reply(202, { invitation });
    }),
    implement(routes.cancelInvitation, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'manageMembers');
      if (!(await store.cancelInvitation(id, params.invitationId))) {
        throw new UserError(ErrorCodes.notFound, 'No such invitation to this workflow');
      }
      await audit(c, user, {
        action: 'invitation.cancelled',
        workflowId: id,
        target: { type: 'invitation', id: params.invitationId },
      });
      return reply(204);
    }),
    implement(routes.getWorkflowInputs, async (_c, { user, params, query }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'read');
      let definition: WorkflowDefinition;
      if (query.version === 'published') {
        const hash = (await store.get(id))?.publishedHash;
        const version = hash ? await versions.get(hash) : undefined;
        if (!version) throw new UserError(ErrorCodes.notFound, `Workflow ${id} has no published version`);
        definition = version.definition;
      } else if (query.version === 'named') {
        // Resolved as the sub-workflow call resolves it (namedVersionHash): the inputs of the version that will run.
        const name = query.name ?? '';
        const hash = await namedVersionHash(history, id, name);
        const version = hash ? await versions.get(hash) : undefined;
        if (!version) throw new UserError(ErrorCodes.notFound, `Workflow ${id} has no version named "${name}"`);
        definition = version.definition;
      } else definition = await rooms.withRoom(id, (room) => toDefinition(room.doc));
      const trigger = definition.nodes.find((n) => n.type === 'executeWorkflowTrigger' && !n.disabled);
      if (!trigger) return reply(200, { inputSource: null, fields: [] });
      const declared = { ...defaultParameters(trigger.type), ...trigger.parameters };
      const source = declared.inputSource;
      const inputSource = source === 'workflowInputs' || source === 'jsonExample' ? source : 'passthrough';
      const fields = triggerFields(declared);
      if (fields && 'error' in fields) return reply(200, { inputSource, fields: [], error: fields.error });
      return reply(200, { inputSource, fields: fields ?? [] });
    }),
    implement(routes.listWorkflowCredentials, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'read');
      return reply(200, { credentials: await credentials.grantedTo(id) });
    }),
    implement(routes.removeMember, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      const target = params.userId;
      // Anyone may leave; removing others takes an owner.
      await requireAccess(store, id, user, target === user.id ? 'read' : 'manageMembers');
      const role = await store.memberRole(id, target);
      if (!role) throw new UserError(ErrorCodes.notFound, 'That user is not a member of this workflow');
      if (role === 'owner' && (await store.countOwners(id)) <= 1) {
        throw new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');
      }
      const event = await auditInTransaction(c, user, {
        action: target === user.id ? 'member.left' : 'member.removed',
        workflowId: id,
        target: { type: 'user', id: target },
      });
      await store.removeMember(id, target, event && ((removed) => ({ ...event, data: { role: removed } })));
      await revalidate({ userId: target, workflowId: id });
      return reply(204);
    }),
  ]);
