import { MAX_LISTED_CHILDREN, type BulkRetryResult, type ExecutionDto } from '#shared/api/executions.ts';
import * as routes from '#shared/api/routes/executions.ts';
import { ErrorCodes, UserError, WeftError } from '#shared/errors.ts';
import type { User } from '../../accounts/account-store.ts';
import type { RunQueue } from '../../executions/run-queue.ts';
import type { ExecutionService } from '../../executions/execution-service.ts';
import {
  parseCustomData,
  type ExecutionListRow,
  type ExecutionRow,
  type ExecutionStore,
} from '../../executions/execution-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { nestsDeeperThan } from '../../json-depth.ts';
import { ParsedRuns } from '../../executions/parsed-runs.ts';
import { parseFingerprints, scopeOf } from '../../executions/partial-runs.ts';
import { audit } from '../audit-actor.ts';
import { downloadHeaders } from '../file-download.ts';
import { binaryMapSchema } from '#shared/runs/item-schema.ts';
import type { z } from 'zod';

type StoredFiles = z.output<typeof binaryMapSchema>;
import { contractRoutes, implement } from './contract-routes.ts';

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

/**
 * One side of a node run for the detail: with a limit, each handle's first
 * `limit` items and every handle's total (`inputCounts` / `outputCounts`).
 */
const firstItems = <S extends 'input' | 'output'>(side: S, items: unknown, limit: number | undefined) => {
  if (limit === undefined || typeof items !== 'object' || items === null || Array.isArray(items)) {
    return { [side]: items } as Record<S, unknown>;
  }
  // fromEntries: a handle named __proto__ stays a key, it does not become a prototype.
  const lists = Object.entries(items).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  return {
    [side]: Object.fromEntries(lists.map(([handle, list]) => [handle, list.slice(0, limit)])),
    [`${side}Counts`]: Object.fromEntries(lists.map(([handle, list]) => [handle, list.length])),
  } as Record<S, unknown> & Partial<Record<`${S}Counts`, unknown>>;
};

/** A stored item's files, when it has any that read as files (the engine checked them; the text is read back). */
const storedFiles = (item: unknown): StoredFiles | undefined => {
  if (typeof item !== 'object' || item === null || !('binary' in item)) return undefined;
  const parsed = binaryMapSchema.safeParse(item.binary);
  return parsed.success ? parsed.data : undefined;
};

const dto = (e: ExecutionRow, parentWorkflowId: string | null = null): ExecutionDto => ({
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
  baseExecutionId: e.baseExecutionId,
  scope: scopeOf(e.runScope),
  destination: e.destinationNodeId,
  parentExecutionId: e.parentExecutionId,
  parentWorkflowId,
  parentNodeId: e.parentNodeId,
  rootExecutionId: e.rootExecutionId,
  depth: e.depth,
  customData: parseCustomData(e.customData),
});

/** What a list row carries beyond the run: its workflow's name and who started it. */
const listedExtras = (r: ExecutionListRow): Pick<ExecutionDto, 'workflowName' | 'startedBy'> => ({
  workflowName: r.workflowName,
  startedBy: r.createdBy !== null && r.createdByName !== null ? { id: r.createdBy, name: r.createdByName } : null,
});

export const executionRoutes = (deps: {
  executions: ExecutionStore;
  service: ExecutionService;
  runs: RunQueue;
  workflows: WorkflowStore;
}) => {
  const load = async (id: string, user: User, action: 'read' | 'edit'): Promise<ExecutionRow> => {
    const row = await deps.executions.get(id);
    if (!row) throw new UserError(ErrorCodes.notFound, `Execution ${id} does not exist`);
    await requireAccess(deps.workflows, row.workflowId, user, action);
    return row;
  };
  const parsed = new ParsedRuns();
  /** The workflow of each row's caller (a parent deleted by retention reads as null). */
  const withParents = async (rows: ExecutionRow[]): Promise<ExecutionDto[]> => {
    const workflows = new Map<string, string | null>();
    for (const id of new Set(rows.map((r) => r.parentExecutionId).filter((p): p is string => p !== null))) {
      workflows.set(id, (await deps.executions.get(id))?.workflowId ?? null);
    }
    return rows.map((r) => dto(r, r.parentExecutionId === null ? null : (workflows.get(r.parentExecutionId) ?? null)));
  };
  return contractRoutes('/api/executions', [
    implement(routes.listExecutions, async (_c, { user, query: q }, reply) => {
      // A workflow named is checked as every route checks one (404, 403); the store's membership join still
      // scopes the rows, so a grant removed meanwhile hides them too.
      for (const id of new Set(q.workflowId ?? [])) await requireAccess(deps.workflows, id, user, 'read');
      const [at, id] = q.cursor ? q.cursor.split(':') : [];
      const rows = await deps.executions.list({
        readableBy: { userId: user.id, isAdmin: user.isAdmin },
        ...(q.workflowId ? { workflowIds: q.workflowId } : {}),
        ...(q.status ? { statuses: q.status } : {}),
        ...(q.mode ? { modes: q.mode } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(at && id ? { cursor: { createdAt: Number(at), id } } : {}),
        ...(q.custom ? { custom: q.custom } : {}),
        limit: q.limit,
      });
      const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
      const listed = await withParents(rows);
      return reply(200, {
        executions: listed.map((e, i) => {
          const r = rows[i];
          return r ? { ...e, ...listedExtras(r) } : e;
        }),
        nextCursor: last ? `${last.createdAt}:${last.id}` : null,
      });
    }),
    implement(routes.getExecution, async (_c, { user, params, query: q }, reply) => {
      const row = await load(params.id, user, 'read');
      const nodeRuns = (await deps.executions.nodeRuns(row.id)).map((r) => ({
        nodeId: r.nodeId,
        name: r.name,
        runIndex: r.runIndex,
        status: r.status,
        ...firstItems('input', storedItems(r.input), q.items),
        ...firstItems('output', storedItems(r.output), q.items),
        error: r.error,
        attempts: r.attempts,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        origin: r.origin,
        paired: r.paired,
      }));
      const children = (await deps.executions.children(row.id, MAX_LISTED_CHILDREN)).map((c) => ({
        id: c.id,
        workflowId: c.workflowId,
        parentNodeId: c.parentNodeId,
        status: c.status,
        createdAt: c.createdAt,
      }));
      const [self] = await withParents([row]);
      return reply(200, {
        ...(self ?? dto(row)),
        nodeRuns,
        children,
        fingerprints: row.fingerprints ? parseFingerprints(row.fingerprints) : null,
      });
    }),
    implement(routes.getExecutionItems, async (_c, { user, params, query: q }, reply) => {
      const row = await load(params.id, user, 'read');
      const run = await deps.executions.nodeRun(row.id, q.node, q.run);
      if (!run) throw new UserError(ErrorCodes.notFound, `Node ${q.node} has no run ${q.run} in execution ${row.id}`);
      const handles = parsed.get(`${row.id}\u0000${q.node}\u0000${q.run}\u0000${q.side}`, run[q.side]);
      const names = Object.keys(handles);
      const handle = q.handle ?? names.find((h) => (handles[h]?.length ?? 0) > 0) ?? names[0] ?? null;
      if (q.handle !== undefined && !Object.hasOwn(handles, q.handle)) {
        throw new UserError(ErrorCodes.notFound, `The run's ${q.side} has no handle "${q.handle}"`);
      }
      const list = handle === null ? [] : (handles[handle] ?? []);
      const page = list.slice(q.offset, q.offset + q.limit).map((item) => {
        const json = typeof item === 'object' && item !== null && 'json' in item ? item.json : item;
        const files = storedFiles(item);
        return files ? { json, binary: files } : { json };
      });
      return reply(200, {
        handles: names.map((name) => ({ name, count: handles[name]?.length ?? 0 })),
        handle,
        total: list.length,
        offset: q.offset,
        items: page,
      });
    }),
    implement(routes.getExecutionBinary, async (c, { user, params, query: q }) => {
      const row = await load(params.id, user, 'read');
      const run = await deps.executions.nodeRun(row.id, q.node, q.run);
      if (!run) throw new UserError(ErrorCodes.notFound, `Node ${q.node} has no run ${q.run} in execution ${row.id}`);
      const handles = parsed.get(`${row.id}\u0000${q.node}\u0000${q.run}\u0000${q.side}`, run[q.side]);
      const names = Object.keys(handles);
      const handle = q.handle ?? names.find((h) => (handles[h]?.length ?? 0) > 0) ?? names[0];
      if (handle === undefined || !Object.hasOwn(handles, handle)) {
        throw new UserError(ErrorCodes.notFound, `The run's ${q.side} has no handle "${q.handle ?? ''}"`);
      }
      const files = storedFiles(handles[handle]?.[q.item]);
      // Own keys only: "__proto__" or "toString" is not a file.
      const file = files && Object.hasOwn(files, q.key) ? files[q.key] : undefined;
      if (!file) {
        throw new UserError(ErrorCodes.notFound, `Item ${q.item} of "${handle}" has no file "${q.key}"`);
      }
      const bytes = Buffer.from(file.data, 'base64');
      return c.body(bytes, 200, downloadHeaders(q.key, file, bytes.length));
    }),
    implement(routes.getExecutionLogs, async (_c, { user, params }, reply) => {
      const row = await load(params.id, user, 'read');
      return reply(200, {
        logs: (await deps.executions.logs(row.id)).map((l) => ({
          at: l.at,
          level: l.level,
          ...(l.node !== null ? { node: l.node } : {}),
          message: l.message,
        })),
      });
    }),
    implement(routes.stopExecution, async (c, { user, params }, reply) => {
      const row = await load(params.id, user, 'edit');
      if (row.status !== 'queued' && row.status !== 'running') {
        throw new UserError(ErrorCodes.conflict, `Execution ${row.id} has already ended (${row.status})`);
      }
      await deps.executions.log(row.id, 'info', `${user.name} asked to stop the run`, Date.now());
      await deps.runs.cancel(row.id);
      await audit(c, user, {
        action: 'run.stopped',
        workflowId: row.workflowId,
        target: { type: 'execution', id: row.id },
      });
      return reply(202, { ...dto(row), stopping: true });
    }),
    implement(routes.retryExecution, async (c, { user, params }, reply) => {
      const row = await load(params.id, user, 'edit');
      const run = await deps.service.retry(row, user);
      await audit(c, user, {
        action: 'run.started',
        workflowId: run.workflowId,
        target: { type: 'execution', id: run.id },
        data: { mode: run.mode, retryOf: row.id },
      });
      return reply(201, dto(run));
    }),
    implement(routes.retryExecutions, async (c, { user, body }, reply) => {
      const { ids } = await body();
      const results: BulkRetryResult[] = [];
      // One at a time: each retry takes the workflow's queue cap into account, as a person clicking would.
      for (const id of new Set(ids)) {
        try {
          const row = await load(id, user, 'edit');
          const run = await deps.service.retry(row, user);
          await audit(c, user, {
            action: 'run.started',
            workflowId: run.workflowId,
            target: { type: 'execution', id: run.id },
            data: { mode: run.mode, retryOf: row.id },
          });
          results.push({ id, ok: true, execution: dto(run) });
        } catch (err) {
          // A caller's or the environment's refusal is that id's answer; a bug still answers 500.
          if (!(err instanceof WeftError) || err.kind === 'unexpected') throw err;
          results.push({ id, ok: false, error: { code: err.code, message: err.message } });
        }
      }
      return reply(200, { results });
    }),
    implement(routes.deleteExecution, async (_c, { user, params }, reply) => {
      const row = await load(params.id, user, 'edit');
      if (row.status === 'queued' || row.status === 'running') {
        throw new UserError(ErrorCodes.conflict, 'Stop the execution before deleting it');
      }
      await deps.executions.delete(row.id);
      return reply(204);
    }),
  ]);
};

export { dto as executionDto };
