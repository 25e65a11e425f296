import { Hono } from 'hono';
import { addMemberRequest, createWorkflowRequest, updateWorkflowRequest, type WorkflowDto } from '#shared/api/index.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import { can, requireAccess } from '../../workflows/access.ts';
import type { WorkflowService, WorkflowSummary } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { requireUser, type AppEnv, type SocketRevalidator } from '../auth.ts';
import { readJson, readJsonBody } from '../errors.ts';
import type { ExecutionService } from '../../executions/execution-service.ts';
import { executionDto } from './executions.ts';
import type { TriggerService } from '../../triggers/trigger-service.ts';
import type { TestWebhooks } from '../../triggers/test-webhooks.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { runWorkflowRequest } from '#shared/api/routes/workflows.ts';

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
  now = Date.now,
}: WorkflowRouteDeps) =>
  new Hono<AppEnv>()
    .post('/:id/publish', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, user, 'edit');
      const hash = await triggers.publish(id, user);
      return c.json({ id, publishedHash: hash, active: store.get(id)?.active ?? false });
    })
    .post('/:id/activate', (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'edit');
      triggers.activate(id);
      return c.json({ id, publishedHash: store.get(id)?.publishedHash ?? null, active: true });
    })
    .post('/:id/deactivate', (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'edit');
      triggers.deactivate(id);
      return c.json({ id, publishedHash: store.get(id)?.publishedHash ?? null, active: false });
    })
    .post('/:id/test-webhook/listen', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, user, 'edit');
      const definition = await rooms.withRoom(id, (room) => toDefinition(room.doc));
      return c.json(testWebhooks.listen(id, user.id, definition));
    })
    .delete('/:id/test-webhook/listen', (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'edit');
      testWebhooks.stop(id);
      return c.body(null, 204);
    })
    .post('/:id/run', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, user, 'edit');
      // A body is optional (the editor's Run sends none); `weft run --input` sends the trigger's items.
      const body = c.req.header('content-type') ? await readJson(c, runWorkflowRequest) : {};
      const run = await executions.run(id, user, {
        mode: 'manual',
        ...(body.items ? { triggerItems: body.items } : {}),
      });
      return c.json(executionDto(run), 201);
    })
    .get('/', (c) => {
      const user = requireUser(c);
      return c.json({ workflows: store.listFor(user.id, user.isAdmin).map(workflowDto) });
    })
    .post('/', async (c) => {
      const user = requireUser(c);
      const { name } = await readJson(c, createWorkflowRequest);
      return c.json(workflowDto(await service.create(user, name)), 201);
    })
    .post('/import', async (c) => {
      const user = requireUser(c);
      const created = await service.import(user, await readJsonBody(c));
      return c.json({ ...workflowDto(created), warnings: created.warnings }, 201);
    })
    .get('/:id', (c) => {
      const id = workflowId(c.req.param('id'));
      const role = requireAccess(store, id, requireUser(c), 'read');
      return c.json(workflowDto(service.summary(id, role)));
    })
    .patch('/:id', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      const role = requireAccess(store, id, user, 'edit');
      const patch = await readJson(c, updateWorkflowRequest);
      await service.update(id, user, patch);
      return c.json(workflowDto(service.summary(id, role)));
    })
    .delete('/:id', async (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'delete');
      // Nothing of it may start or run while it goes: triggers first, then the runs in flight.
      triggers.remove(id);
      testWebhooks.stop(id);
      executions.stopWorkflow(id);
      await service.delete(id);
      return c.body(null, 204);
    })
    .get('/:id/export', async (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'read');
      return c.json(await service.export(id));
    })
    .get('/:id/members', (c) => {
      const id = workflowId(c.req.param('id'));
      const role = requireAccess(store, id, requireUser(c), 'read');
      // Pending invitations name addresses that are not members yet: only the owners who manage them see them.
      const invitations = can(role, 'manageMembers') ? store.invitations(id) : [];
      return c.json({ members: store.members(id), invitations });
    })
    .post('/:id/members', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, user, 'manageMembers');
      const { email, role } = await readJson(c, addMemberRequest);
      // Only the workflow's own members are looked up, never the accounts: whether an
      // account uses the address changes neither the answer nor the work done for it.
      const member = store.memberByEmail(id, email);
      if (member) {
        if (member.role === 'owner' && role !== 'owner' && store.countOwners(id) <= 1) {
          throw new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');
        }
        store.upsertMember(id, member.userId, role, now());
        if (member.role !== role) revalidate({ userId: member.userId, workflowId: id });
        return c.json({ ...member, role }, 200);
      }
      const pending = store.invitations(id);
      if (!pending.some((i) => i.email === email) && pending.length >= MAX_PENDING_INVITATIONS) {
        throw new UserError(
          ErrorCodes.conflict,
          `A workflow has at most ${MAX_PENDING_INVITATIONS} pending invitations; cancel some first`,
        );
      }
      return c.json({ invitation: store.invite(id, email, role, user.id, now()) }, 202);
    })
    .delete('/:id/invitations/:invitationId', (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'manageMembers');
      if (!store.cancelInvitation(id, c.req.param('invitationId'))) {
        throw new UserError(ErrorCodes.notFound, 'No such invitation to this workflow');
      }
      return c.body(null, 204);
    })
    .get('/:id/credentials', (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'read');
      return c.json({ credentials: credentials.grantedTo(id) });
    })
    .delete('/:id/members/:userId', (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      const target = c.req.param('userId');
      // Anyone may leave; removing others takes an owner.
      requireAccess(store, id, user, target === user.id ? 'read' : 'manageMembers');
      const role = store.memberRole(id, target);
      if (!role) throw new UserError(ErrorCodes.notFound, 'That user is not a member of this workflow');
      if (role === 'owner' && store.countOwners(id) <= 1) {
        throw new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');
      }
      store.removeMember(id, target);
      revalidate({ userId: target, workflowId: id });
      return c.body(null, 204);
    });
