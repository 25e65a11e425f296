import { Hono } from 'hono';
import { z } from 'zod';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { EngineHub } from '../../executions/engine-hub.ts';
import type { ExecutionService } from '../../executions/execution-service.ts';
import type { ExecutionRow, ExecutionStore } from '../../executions/execution-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { requireUser, type AppEnv } from '../auth.ts';
import { nestsDeeperThan } from '../../json-depth.ts';

/** Execution history and control: list, one execution with its node runs, logs, stop, retry, delete. */

/**
 * Node-run items are JSON text an engine sent, stored as it came (parsing
 * every run's items on arrival would cost more than reading the few that are
 * looked at). Text that is not JSON, or nests past what the answer can be
 * encoded with, reads as null rather than failing the whole execution.
 */
const MAX_ITEMS_DEPTH = 1000;
const storedItems = (text: string): unknown => {
  if (nestsDeeperThan(text, MAX_ITEMS_DEPTH)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
};

const dto = (e: ExecutionRow) => ({
  id: e.id,
  workflowId: e.workflowId,
  versionHash: e.versionHash,
  mode: e.mode,
  status: e.status,
  error: e.error,
  retryOf: e.retryOf,
  createdAt: e.createdAt,
  startedAt: e.startedAt,
  finishedAt: e.finishedAt,
});

const listQuery = z.object({
  workflowId: z.string().optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']).optional(),
  cursor: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const executionRoutes = (deps: {
  executions: ExecutionStore;
  service: ExecutionService;
  hub: EngineHub;
  workflows: WorkflowStore;
}) => {
  const load = (id: string, userId: Parameters<typeof requireAccess>[2], action: 'read' | 'edit'): ExecutionRow => {
    const row = deps.executions.get(id);
    if (!row) throw new UserError(ErrorCodes.notFound, `Execution ${id} does not exist`);
    requireAccess(deps.workflows, row.workflowId, userId, action);
    return row;
  };
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const user = requireUser(c);
      const parsed = listQuery.safeParse(c.req.query());
      if (!parsed.success) {
        throw new UserError(
          ErrorCodes.badRequest,
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      }
      const q = parsed.data;
      let ids: string[];
      if (q.workflowId) {
        requireAccess(deps.workflows, q.workflowId, user, 'read');
        ids = [q.workflowId];
      } else ids = deps.workflows.listFor(user.id, user.isAdmin).map((w) => w.id);
      const [at, id] = q.cursor ? q.cursor.split(':') : [];
      const rows = deps.executions.list({
        workflowIds: ids,
        ...(q.status ? { status: q.status } : {}),
        ...(at && id ? { cursor: { createdAt: Number(at), id } } : {}),
        limit: q.limit,
      });
      const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
      return c.json({ executions: rows.map(dto), nextCursor: last ? `${last.createdAt}:${last.id}` : null });
    })
    .get('/:id', (c) => {
      const row = load(c.req.param('id'), requireUser(c), 'read');
      const nodeRuns = deps.executions.nodeRuns(row.id).map((r) => ({
        nodeId: r.nodeId,
        name: r.name,
        runIndex: r.runIndex,
        status: r.status,
        input: storedItems(r.input),
        output: storedItems(r.output),
        error: r.error,
        attempts: r.attempts,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
      }));
      return c.json({ ...dto(row), nodeRuns });
    })
    .get('/:id/logs', (c) => {
      const row = load(c.req.param('id'), requireUser(c), 'read');
      return c.json({
        logs: deps.executions
          .logs(row.id)
          .map((l) => ({ at: l.at, level: l.level, ...(l.node !== null ? { node: l.node } : {}), message: l.message })),
      });
    })
    .post('/:id/stop', (c) => {
      const user = requireUser(c);
      const row = load(c.req.param('id'), user, 'edit');
      if (row.status !== 'queued' && row.status !== 'running') {
        throw new UserError(ErrorCodes.conflict, `Execution ${row.id} has already ended (${row.status})`);
      }
      deps.executions.log(row.id, 'info', `${user.name} asked to stop the run`, Date.now());
      deps.hub.cancel(row.id);
      return c.json({ ...dto(row), stopping: true }, 202);
    })
    .post('/:id/retry', async (c) => {
      const user = requireUser(c);
      const row = load(c.req.param('id'), user, 'edit');
      return c.json(dto(await deps.service.retry(row, user)), 201);
    })
    .delete('/:id', (c) => {
      const row = load(c.req.param('id'), requireUser(c), 'edit');
      if (row.status === 'queued' || row.status === 'running') {
        throw new UserError(ErrorCodes.conflict, 'Stop the execution before deleting it');
      }
      deps.executions.delete(row.id);
      return c.body(null, 204);
    });
};

export { dto as executionDto };
