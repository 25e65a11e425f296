import { Hono } from 'hono';
import { addMemberRequest, createWorkflowRequest, updateWorkflowRequest, type WorkflowDto } from '#shared/api/index.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowService, WorkflowSummary } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { requireUser, type AppEnv, type SocketRevalidator } from '../auth.ts';
import { readJson, readJsonBody } from '../errors.ts';
import type { ExecutionService } from '../../executions/execution-service.ts';
import { executionDto } from './executions.ts';
import type { TriggerService } from '../../triggers/trigger-service.ts';

const dto = (w: WorkflowSummary): WorkflowDto => ({
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

export interface WorkflowRouteDeps {
  accounts: AccountStore;
  store: WorkflowStore;
  service: WorkflowService;
  executions: ExecutionService;
  triggers: TriggerService;
  revalidate: SocketRevalidator;
  now?: () => number;
}

/** Workflows, their export/import and their members. */
export const workflowRoutes = ({
  accounts,
  store,
  service,
  executions,
  triggers,
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
    .post('/:id/run', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, user, 'edit');
      return c.json(executionDto(await executions.run(id, user, { mode: 'manual' })), 201);
    })
    .get('/', (c) => {
      const user = requireUser(c);
      return c.json({ workflows: store.listFor(user.id, user.isAdmin).map(dto) });
    })
    .post('/', async (c) => {
      const user = requireUser(c);
      const { name } = await readJson(c, createWorkflowRequest);
      return c.json(dto(await service.create(user, name)), 201);
    })
    .post('/import', async (c) => {
      const user = requireUser(c);
      const created = await service.import(user, await readJsonBody(c));
      return c.json({ ...dto(created), warnings: created.warnings }, 201);
    })
    .get('/:id', (c) => {
      const id = workflowId(c.req.param('id'));
      const role = requireAccess(store, id, requireUser(c), 'read');
      return c.json(dto(service.summary(id, role)));
    })
    .patch('/:id', async (c) => {
      const user = requireUser(c);
      const id = workflowId(c.req.param('id'));
      const role = requireAccess(store, id, user, 'edit');
      const patch = await readJson(c, updateWorkflowRequest);
      await service.update(id, user, patch);
      return c.json(dto(service.summary(id, role)));
    })
    .delete('/:id', async (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'delete');
      // Its webhooks and schedules stop with it.
      triggers.remove(id);
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
      requireAccess(store, id, requireUser(c), 'read');
      return c.json({ members: store.members(id) });
    })
    .post('/:id/members', async (c) => {
      const id = workflowId(c.req.param('id'));
      requireAccess(store, id, requireUser(c), 'manageMembers');
      const { email, role } = await readJson(c, addMemberRequest);
      const member = accounts.findByEmail(email);
      if (!member) throw new UserError(ErrorCodes.notFound, `No account uses ${email}; they need to sign up first`);
      const current = store.memberRole(id, member.id);
      if (current === 'owner' && role !== 'owner' && store.countOwners(id) <= 1) {
        throw new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');
      }
      store.upsertMember(id, member.id, role, now());
      if (current && current !== role) revalidate({ userId: member.id, workflowId: id });
      const added = store.members(id).find((m) => m.userId === member.id);
      return c.json(added, current ? 200 : 201);
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
