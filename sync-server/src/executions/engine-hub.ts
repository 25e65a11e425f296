import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '#shared/log.ts';
import {
  ENGINE_LOST_AFTER_MS,
  ENGINE_PATH,
  EngineCloseCodes,
  engineBatchSchema,
  type EngineToServer,
  type Job,
  type RunResultMessage,
  type ServerToEngine,
} from '#shared/protocol/engine.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { ExecutionStore } from './execution-store.ts';
import type { LiveStatus } from './live-status.ts';
import type { VersionStore } from './version-store.ts';

/**
 * The server's side of the engine channel: engines connect to `/engine`,
 * queued executions go to the least busy engine with room, node events go to
 * the workflow's room as they arrive, and results land in SQLite. An engine
 * that stops heartbeating or disconnects is dropped and every execution it
 * held is marked failed ("engine lost") at once.
 *
 * The queue is the `executions` table (status `queued`), so a restart keeps
 * what was waiting; a Redis/BullMQ queue can replace it behind `enqueue`.
 */

interface EngineConn {
  id: string;
  socket: WebSocket;
  concurrency: number;
  /** Execution id → its workflow id. */
  running: Map<string, string>;
  lastSeen: number;
}

export interface EngineHubOptions {
  token: string;
  executions: ExecutionStore;
  versions: VersionStore;
  workflows: WorkflowStore;
  credentials: CredentialStore;
  live: LiveStatus;
  logger: Logger;
  now?: () => number;
}

export class EngineHub {
  private readonly engines = new Set<EngineConn>();
  private readonly queue: string[] = [];
  private readonly waiters = new Map<string, ((result: RunResultMessage) => void)[]>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private server: Server | undefined;

  constructor(private readonly options: EngineHubOptions) {
    this.now = options.now ?? Date.now;
    // Executions queued before a restart are still owed a run.
    for (const row of options.executions.queued()) this.queue.push(row.id);
    // Runs that were running when the server stopped have no engine any more.
    const orphans = options.executions.running().map((r) => r.id);
    for (const id of options.executions.fail(orphans, 'failed', 'The server restarted while it ran', this.now())) {
      options.executions.log(id, 'error', 'The server restarted while this execution ran', this.now());
    }
    this.watchdog = setInterval(() => this.checkHeartbeats(), 500);
    this.watchdog.unref();
  }

  get engineCount(): number {
    return this.engines.size;
  }

  attach(server: Server): void {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  /** Queues an execution (already stored as `queued`) and hands it to an engine when one has room. */
  enqueue(executionId: string): void {
    this.queue.push(executionId);
    this.dispatch();
  }

  /** Resolves with the execution's result when it ends (webhooks answer with it). */
  waitFor(executionId: string): Promise<RunResultMessage> {
    return new Promise((resolve) => this.waiters.set(executionId, [...(this.waiters.get(executionId) ?? []), resolve]));
  }

  /** Stops an execution: a queued one is canceled here, a running one by its engine. */
  cancel(executionId: string): boolean {
    const queued = this.queue.indexOf(executionId);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.end(executionId, { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [] });
      return true;
    }
    for (const engine of this.engines) {
      if (engine.running.has(executionId)) {
        this.send(engine, { type: 'cancel', executionId });
        return true;
      }
    }
    return false;
  }

  close(): void {
    clearInterval(this.watchdog);
    this.server?.off('upgrade', this.onUpgrade);
    for (const engine of [...this.engines]) engine.socket.close(1001, 'server shutting down');
    this.wss.close();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== ENGINE_PATH) return;
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const expected = Buffer.from(this.options.token);
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!ok) {
        ws.close(EngineCloseCodes.unauthorized, 'unauthorized');
        return;
      }
      this.accept(ws);
    });
  };

  private accept(socket: WebSocket): void {
    let engine: EngineConn | undefined;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      // A frame holds one message or a list of them (an engine batches a turn's messages).
      let messages: EngineToServer[];
      try {
        if (isBinary) throw new Error('binary frame');
        const parsed: unknown = JSON.parse(data.toString());
        messages = engineBatchSchema.parse(Array.isArray(parsed) ? parsed : [parsed]);
      } catch {
        socket.close(EngineCloseCodes.badMessage, 'unreadable message');
        return;
      }
      for (const message of messages) {
        if (!engine) {
          if (message.type !== 'hello') {
            socket.close(EngineCloseCodes.badMessage, 'hello first');
            return;
          }
          engine = {
            id: message.engineId,
            socket,
            concurrency: message.concurrency,
            running: new Map(),
            lastSeen: this.now(),
          };
          this.engines.add(engine);
          this.options.logger.info({ engineId: engine.id, concurrency: engine.concurrency }, 'engine joined');
          this.dispatch();
          continue;
        }
        engine.lastSeen = this.now();
        if (message.type === 'event') {
          const workflowId = engine.running.get(message.executionId);
          if (workflowId) this.options.live.node(workflowId, message.executionId, message.event);
        } else if (message.type === 'finished') {
          const workflowId = engine.running.get(message.executionId);
          if (!workflowId) continue;
          engine.running.delete(message.executionId);
          this.end(message.executionId, message.result, workflowId);
          this.dispatch();
        }
      }
    });
    socket.on('close', () => {
      if (engine) this.lose(engine, 'the engine disconnected');
    });
    socket.on('error', () => socket.terminate());
  }

  private checkHeartbeats(): void {
    const now = this.now();
    for (const engine of this.engines) {
      if (now - engine.lastSeen > ENGINE_LOST_AFTER_MS) {
        engine.socket.terminate();
        this.lose(engine, `no heartbeat for ${ENGINE_LOST_AFTER_MS / 1000} s`);
      }
    }
  }

  private lose(engine: EngineConn, why: string): void {
    if (!this.engines.delete(engine)) return;
    this.options.logger.warn({ engineId: engine.id, running: engine.running.size, why }, 'engine lost');
    for (const [id, workflowId] of engine.running) {
      this.options.executions.log(id, 'error', `Engine ${engine.id} was lost: ${why}`, this.now());
      this.end(id, { status: 'failed', error: 'Engine lost', runs: [], lastOutput: [] }, workflowId);
    }
    engine.running.clear();
    this.dispatch();
  }

  private end(executionId: string, result: RunResultMessage, workflowId?: string): void {
    const known = workflowId ?? this.options.executions.get(executionId)?.workflowId;
    // Runs that end in the same turn share one commit; waiters hear of it once it is durable.
    this.options.executions.finishSoon(executionId, result, this.now(), () => {
      if (known) this.options.live.finished(known, executionId, result.status, result.error);
      const waiters = this.waiters.get(executionId) ?? [];
      this.waiters.delete(executionId);
      for (const resolve of waiters) resolve(result);
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: EngineConn | undefined;
      for (const e of this.engines) {
        if (e.running.size < e.concurrency && (!best || e.running.size < best.running.size)) best = e;
      }
      if (!best) return;
      const id = this.queue.shift() as string;
      const job = this.jobFor(id);
      if (!job) continue;
      best.running.set(id, job.workflow.id);
      this.options.executions.markRunning(id, best.id, this.now());
      this.send(best, { type: 'run', job });
    }
  }

  private jobFor(executionId: string): Job | undefined {
    const row = this.options.executions.get(executionId);
    if (row?.status !== 'queued') return undefined;
    const version = this.options.versions.get(row.versionHash);
    const workflow = this.options.workflows.get(row.workflowId);
    if (!version || !workflow) {
      this.end(executionId, { status: 'failed', error: 'The workflow version is gone', runs: [], lastOutput: [] });
      return undefined;
    }
    // Credentials travel with the job, and only those of people who may edit this workflow.
    const secrets: NonNullable<Job['credentials']> = {};
    for (const node of version.definition.nodes) {
      for (const id of Object.values(node.credentials ?? {})) {
        const owner = this.options.credentials.owner(id);
        const role = owner ? this.options.workflows.memberRole(row.workflowId, owner) : undefined;
        const secret = role === 'owner' || role === 'editor' ? this.options.credentials.secret(id) : undefined;
        if (!secret) {
          this.end(executionId, {
            status: 'failed',
            error: `Node "${node.name}" uses credential ${id}, which does not exist or whose owner cannot edit this workflow`,
            runs: [],
            lastOutput: [],
          });
          return undefined;
        }
        secrets[id] = secret;
      }
    }
    return {
      executionId,
      credentials: secrets,
      workflow: { id: workflow.id, name: version.definition.name, active: workflow.active ?? false },
      mode: row.mode,
      versionHash: row.versionHash,
      definition: version.definition as unknown as Record<string, unknown>,
      ...(row.startNodeId ? { startNodeId: row.startNodeId } : {}),
      ...(row.triggerItems ? { triggerItems: JSON.parse(row.triggerItems) as Job['triggerItems'] } : {}),
    };
  }

  private send(engine: EngineConn, message: ServerToEngine): void {
    engine.socket.send(JSON.stringify(message));
  }
}
