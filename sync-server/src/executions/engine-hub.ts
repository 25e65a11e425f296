import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '#shared/log.ts';
import {
  ENGINE_HEARTBEAT_MS,
  ENGINE_LOST_AFTER_MS,
  ENGINE_MAX_FRAME_BYTES,
  EngineCloseCodes,
  engineBatchSchema,
  type EngineToServer,
  type Job,
  type PartialJob,
  type RunResultMessage,
  type ServerToEngine,
} from '#shared/protocol/engine.ts';
import type { CredentialUseAudit } from '../audit/credential-use.ts';
import type { CredentialStore, GrantedSecret } from '../credentials/credential-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { ClaimOutcome, ExecutionMode, ExecutionRow, ExecutionStore } from './execution-store.ts';
import { parseFingerprints, planPartialJob, scopeOf, type PartialInput } from './partial-runs.ts';
import type { LiveStatus } from './live-status.ts';
import type { VersionStore } from './version-store.ts';
import { timeLimitOf, type RunPolicy } from './run-policy.ts';
import { FinishBatcher } from './finish-batcher.ts';
import { FairQueue } from './fair-queue.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { Item } from '#shared/runs/items.ts';
import { itemSchema } from '#shared/runs/item-schema.ts';
import { z } from 'zod';
import type { SubworkflowStarter } from './subworkflows.ts';
import type { ChildLiveStatus } from '#shared/protocol/live.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';

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
  /** The TCP socket under `socket`: corked for a turn, so the jobs handed out in one turn leave in one write. */
  wire: Duplex;
  /** Whether `wire` is corked until the end of this turn. */
  corked: boolean;
  concurrency: number;
  /** Execution id → its workflow id. */
  running: Map<string, string>;
  /** Sub-workflow runs a parent on this engine waits for (execution id → workflow id): beside `concurrency`. */
  inline: Map<string, string>;
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
  /**
   * Budgets and network policy every job carries (engine defaults without it); a function is read at each
   * job, so a change of the instance settings reaches the engines with their next job.
   */
  runPolicy?: RunPolicy | (() => RunPolicy);
  /** Runs one workflow may have on the engines at once; 0 or unset: half of all engines' slots (at least 1). */
  maxRunningPerWorkflow?: number;
  /** Told of each credential a job carries; it records `credential.used` once per credential and version. */
  credentialUse?: CredentialUseAudit;
  /** This server instance (a cluster): inline sub-workflow runs are stored as running here. */
  instanceId?: string;
}

/** Why a job cannot carry a credential, after "Node "X" uses credential <id>, ". */
const credentialRefusal: Record<Exclude<GrantedSecret['status'], 'ok'>, string> = {
  missing: 'which does not exist',
  notGranted: 'whose owner has not granted it to this workflow (its owner grants it by choosing it in the node)',
  unreadable: "which cannot be decrypted with this server's encryption key",
};

/**
 * Past a run's time limit, how long an engine still has to report its end
 * (its own timer fires at the limit): 5 s, plus a tenth of the limit.
 */
/** Takes a queued run for an engine (its row becomes running) or says why not. */
/** A run whose slot is taken while its claim and job are under way (handOver). */
interface Starting {
  /** Someone asked to stop it: it is not sent. */
  canceled: boolean;
  /** What the claim said (true: the row is this engine's), undefined while it is in flight. */
  claimed: boolean | undefined;
  /** Why the engine went while the claim was in flight. */
  engineLost: string | undefined;
}

/** Told of a run that failed because its engine (or server instance) was lost mid-run. */
export type RunLostListener = (executionId: string, workflowId: string) => void;

export type Claim = (engineId: string) => Promise<ClaimOutcome>;

/** How a hand-over went: sent to the engine, ended at once (failed, canceled, engine gone), or not started. */
type HandOverOutcome = 'sent' | 'ended' | 'notQueued' | 'atCapacity';

/** What `runClaimed` did with a run given to it from outside (the cluster queue). */
export type ClaimedRun =
  { outcome: 'noEngine' | 'notQueued' | 'atCapacity' } | { outcome: 'ended'; result: RunResultMessage };

/** A caller's Execute Workflow node, as a key. */
const childKey = (parent: { executionId: string; nodeId: string }): string =>
  `${parent.executionId}\u0000${parent.nodeId}`;

/** The items an Execute Workflow node passes (JSON text from the engine). */
const subrunItems = z.array(itemSchema);

/** Queued rows kept in memory carry at most this many characters of trigger items and pins; larger ones are read again. */
const KEPT_ROW_CHARS = 64 * 1024;

const overdueGraceMs = (limitSeconds: number): number => 5_000 + limitSeconds * 100;

/** Throws when `bytes` of job cannot travel in one message to an engine (handOver fails the run with it). */
const tooLarge = (bytes: number, why: string): void => {
  if (bytes <= ENGINE_MAX_FRAME_BYTES) return;
  const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
  throw new Error(
    `the job is ${mb(bytes)}, more than the ${mb(ENGINE_MAX_FRAME_BYTES)} an engine accepts in one message (${why})`,
  );
};

export class EngineHub {
  private readonly engines = new Set<EngineConn>();
  /** Rows of queued runs as enqueue was given them, until they are handed out or taken out of the queue. */
  private readonly queuedRows = new Map<string, ExecutionRow>();
  private readonly queue = new FairQueue();
  private readonly waiters = new Map<string, ((result: RunResultMessage) => void)[]>();
  private readonly finisher: FinishBatcher;
  /** When each running execution must have ended (its workflow's time limit and a grace). */
  private readonly deadlines = new Map<string, { at: number; limitSeconds: number }>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: ENGINE_MAX_FRAME_BYTES });
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  /**
   * Runs whose slot is taken but whose job is still being built (handOver):
   * true once someone asked to stop one, so it is not sent after all.
   */
  private readonly starting = new Map<string, Starting>();
  /** Runs someone asked to stop whose engine has not confirmed it yet: lost now, they end canceled, not lost. */
  private readonly stopRequested = new Set<string>();
  private lastCheck: number;
  private readonly capacityListeners = new Set<(capacity: number) => void>();
  private readonly lostListeners = new Set<RunLostListener>();
  /** Ends handed to the finisher and not yet committed, per workflow. */
  private readonly finishing = new Map<string, number>();
  /** The mode of each run handed to an engine, told with its end (the metrics count ends by mode). */
  private readonly modes = new Map<string, ExecutionMode>();
  private subworkflows: SubworkflowStarter | undefined;
  /** Inline children whose progress shows on their caller's Execute Workflow node. */
  private readonly childProgress = new Map<
    string,
    {
      parent: { workflowId: string; executionId: string; nodeId: string };
      workflowId: string;
      total: number;
      done: Set<string>;
    }
  >();

  constructor(private readonly options: EngineHubOptions) {
    this.now = options.now ?? Date.now;
    this.lastCheck = this.now();
    this.finisher = new FinishBatcher(options.executions, options.logger);
    this.watchdog = setInterval(() => this.checkHeartbeats(), 500);
    this.watchdog.unref();
  }

  /** Reads what a restart left: runs still owed one, runs that lost their engine. Awaited before the server listens. */
  async start(): Promise<void> {
    const { executions } = this.options;
    // Executions queued before a restart are still owed a run.
    for (const row of await executions.queued()) this.queue.push(row.id, row.workflowId);
    // Runs that were running when the server stopped have no engine any more.
    const orphans = await executions.running();
    const failed = await executions.fail(
      orphans.map((r) => r.id),
      'failed',
      'The server restarted while it ran',
      this.now(),
      { lost: true },
    );
    for (const id of failed) {
      await executions.log(id, 'error', 'The server restarted while this execution ran', this.now());
      const workflowId = orphans.find((r) => r.id === id)?.workflowId;
      if (workflowId !== undefined) this.runLost(id, workflowId);
    }
    this.dispatch();
  }

  /** Runs each caller node started and how many failed ("each" mode: one per item), by caller and node. */
  private readonly childCounts = new Map<string, { runs: number; failed: number }>();

  private childLive(
    executionId: string,
    progress: { parent: { executionId: string; nodeId: string }; workflowId: string; total: number; done: Set<string> },
    status: ChildLiveStatus['status'],
  ): ChildLiveStatus {
    const counts = this.childCounts.get(childKey(progress.parent));
    return {
      executionId,
      workflowId: progress.workflowId,
      status,
      nodesDone: Math.min(progress.done.size, progress.total),
      nodesTotal: progress.total,
      ...(counts && counts.runs > 1 ? { runs: counts.runs, failed: counts.failed } : {}),
    };
  }

  /**
   * From here the child's node events move the progress on its caller's Execute Workflow node (in the caller's
   * room), until its end writes the last of it. Inline children count their runs per caller node (childCounts);
   * a child nobody waits for shows its own progress only, since its caller has usually ended before it runs.
   */
  private showChild(
    childId: string,
    parent: { workflowId: string; executionId: string; nodeId: string },
    workflowId: string,
    definition: WorkflowDefinition,
  ): void {
    const progress = {
      parent,
      workflowId,
      total: definition.nodes.filter((n) => getNodeDefinition(n.type)?.annotation !== true).length,
      done: new Set<string>(),
    };
    this.childProgress.set(childId, progress);
    this.options.live.childProgress(parent, this.childLive(childId, progress, 'running'));
  }

  /** Execute Workflow's requests go to `starter` (wired once the execution service exists). */
  useSubworkflows(starter: SubworkflowStarter): void {
    this.subworkflows = starter;
  }

  get engineCount(): number {
    return this.engines.size;
  }

  /** Slots of every engine attached here, busy or not. */
  get capacity(): number {
    let total = 0;
    for (const e of this.engines) total += e.concurrency;
    return total;
  }

  /** Calls `fn` with the new capacity whenever an engine joins or leaves. */
  onCapacity(fn: (capacity: number) => void): () => void {
    this.capacityListeners.add(fn);
    return () => this.capacityListeners.delete(fn);
  }

  /**
   * Calls `fn` for every run that failed because its engine (or this server,
   * by a restart) went away mid-run, once that failure is stored: the
   * workflow's engine-loss setting may run it again (engine-loss-retry.ts).
   * `fn` must not throw.
   */
  onRunLost(fn: RunLostListener): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  private runLost(executionId: string, workflowId: string): void {
    for (const fn of this.lostListeners) fn(executionId, workflowId);
  }

  private capacityChanged(): void {
    const capacity = this.capacity;
    for (const fn of this.capacityListeners) fn(capacity);
  }

  /**
   * Runs one execution that a queue outside this hub handed out (the cluster's
   * BullMQ worker): on the least busy engine with room, built as a local
   * hand-over builds it, with `claim` in place of the local mark-running.
   * Resolves once its end is durable, with what was recorded; or at once when
   * no engine has room, the run is no longer queued, or its workflow is at its cap.
   */
  async runClaimed(executionId: string, workflowId: string, claim: Claim): Promise<ClaimedRun> {
    const engine = this.leastBusy();
    if (!engine) return { outcome: 'noEngine' };
    let resolveEnd: (result: RunResultMessage) => void = () => {};
    const ended = new Promise<RunResultMessage>((resolve) => {
      resolveEnd = resolve;
    });
    this.waiters.set(executionId, [...(this.waiters.get(executionId) ?? []), resolveEnd]);
    const outcome = await this.handOver(engine, { id: executionId, workflowId }, claim);
    if (outcome === 'notQueued' || outcome === 'atCapacity') {
      const left = (this.waiters.get(executionId) ?? []).filter((w) => w !== resolveEnd);
      if (left.length > 0) this.waiters.set(executionId, left);
      else this.waiters.delete(executionId);
      return { outcome };
    }
    return { outcome: 'ended', result: await ended };
  }

  private leastBusy(): EngineConn | undefined {
    let best: EngineConn | undefined;
    for (const e of this.engines) {
      if (e.running.size < e.concurrency && (!best || e.running.size < best.running.size)) best = e;
    }
    return best;
  }

  /** Queues an execution (already stored as `queued`) and hands it to an engine when one has room. */
  /** `row`: the run as just stored; handing it out then reads nothing again (kept only when small). */
  enqueue(executionId: string, workflowId: string, row?: ExecutionRow): void {
    if (row && (row.triggerItems?.length ?? 0) + (row.pins?.length ?? 0) <= KEPT_ROW_CHARS)
      this.queuedRows.set(executionId, row);
    this.queue.push(executionId, workflowId);
    this.dispatch();
  }

  /**
   * Runs of this workflow that the database counts as running because of
   * this hub: on its engines (taken or being handed over), or ended with
   * their end not yet committed.
   */
  runningCount(workflowId: string): number {
    let n = this.finishing.get(workflowId) ?? 0;
    for (const e of this.engines) for (const w of e.running.values()) if (w === workflowId) n++;
    return n;
  }

  /** Executions of this workflow waiting for an engine. */
  queuedCount(workflowId: string): number {
    return this.queue.count(workflowId);
  }

  /** Executions waiting for an engine, all workflows. */
  get queuedTotal(): number {
    return this.queue.size;
  }

  /**
   * Resolves with the execution's result when it ends (webhooks answer with
   * it), or with undefined after `timeoutMs`; a caller that gave up leaves
   * nothing behind.
   */
  waitFor(executionId: string, timeoutMs: number): Promise<RunResultMessage | undefined> {
    return new Promise((resolve) => {
      const waiter = (result: RunResultMessage) => {
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        const left = (this.waiters.get(executionId) ?? []).filter((w) => w !== waiter);
        if (left.length > 0) this.waiters.set(executionId, left);
        else this.waiters.delete(executionId);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      this.waiters.set(executionId, [...(this.waiters.get(executionId) ?? []), waiter]);
    });
  }

  /** Waiters on executions right now (tests check that timed-out callers leave none). */
  get waiterCount(): number {
    return this.waiters.size;
  }

  /**
   * The workflow is being deleted: its queued executions leave the queue, its
   * running ones are canceled on their engines and forgotten here (their rows
   * go with the workflow, so nothing of them is written later), and everyone
   * waiting on one hears it was canceled.
   */
  stopWorkflow(workflowId: string): void {
    const canceled: RunResultMessage = {
      status: 'canceled',
      error: 'The workflow was deleted',
      runs: [],
      lastOutput: [],
    };
    for (const id of this.queue.removeWorkflow(workflowId)) {
      this.queuedRows.delete(id);
      this.resolveWaiters(id, canceled);
    }
    for (const engine of this.engines) {
      for (const [id, wf] of [...engine.running, ...engine.inline]) {
        if (wf !== workflowId) continue;
        engine.running.delete(id);
        engine.inline.delete(id);
        this.deadlines.delete(id);
        this.send(engine, { type: 'cancel', executionId: id });
        this.resolveWaiters(id, canceled);
      }
    }
    this.dispatch();
  }

  /** Stops an execution: a queued one is canceled here, a running one by its engine. */
  cancel(executionId: string): boolean {
    const queuedIn = this.queue.remove(executionId);
    if (queuedIn !== undefined) {
      this.queuedRows.delete(executionId);
      this.end(executionId, { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [] }, queuedIn);
      return true;
    }
    const starting = this.starting.get(executionId);
    if (starting) {
      // Its job is not sent yet: handOver ends it as canceled instead of sending it.
      starting.canceled = true;
      return true;
    }
    for (const engine of this.engines) {
      if (engine.running.has(executionId) || engine.inline.has(executionId)) {
        this.stopRequested.add(executionId);
        this.send(engine, { type: 'cancel', executionId });
        return true;
      }
    }
    return false;
  }

  /**
   * Stops taking engines and records every end heard so far. The runs still
   * on engines are lost now, not when each socket's close completes: their
   * ends are stored, and the engine-loss listeners told, before this resolves
   * (the server closes those listeners next, then the stores).
   */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    for (const engine of [...this.engines]) {
      engine.socket.close(1001, 'server shutting down');
      this.lose(engine, 'the server is shutting down');
    }
    this.wss.close();
    await this.finisher.close();
  }

  /** The `/engine` handshake (routed by http/upgrade-router.ts). */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    // Engines send the token as a Bearer header; `?token=` is still read for scripts that cannot set headers.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = Buffer.from(bearer ?? url.searchParams.get('token') ?? '');
    const expected = Buffer.from(this.options.token);
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!ok) {
        // Frames may still come until the close completes: a bad one is an 'error' event, fatal unheard.
        ws.on('error', () => ws.terminate());
        ws.close(EngineCloseCodes.unauthorized, 'unauthorized');
        return;
      }
      this.accept(ws, socket);
    });
  };

  private accept(socket: WebSocket, wire: Duplex): void {
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
      try {
        engine = this.receive(socket, wire, engine, messages);
      } catch (error) {
        // A throw here would end the process: the engine's messages are input like any other.
        this.options.logger.error({ err: error, engineId: engine?.id }, 'handling an engine message failed');
      }
    });
    socket.on('close', () => {
      if (engine) this.lose(engine, 'the engine disconnected');
    });
    socket.on('error', () => socket.terminate());
  }

  /** Applies one frame's messages; answers the engine once it said hello. */
  private receive(
    socket: WebSocket,
    wire: Duplex,
    known: EngineConn | undefined,
    messages: EngineToServer[],
  ): EngineConn | undefined {
    let engine = known;
    for (const message of messages) {
      if (!engine) {
        if (message.type !== 'hello') {
          socket.close(EngineCloseCodes.badMessage, 'hello first');
          return undefined;
        }
        engine = {
          id: message.engineId,
          socket,
          wire,
          corked: false,
          concurrency: message.concurrency,
          running: new Map(),
          inline: new Map(),
          lastSeen: this.now(),
        };
        this.engines.add(engine);
        this.options.logger.info({ engineId: engine.id, concurrency: engine.concurrency }, 'engine joined');
        this.capacityChanged();
        this.dispatch();
        continue;
      }
      engine.lastSeen = this.now();
      if (message.type === 'event') {
        const workflowId = engine.running.get(message.executionId) ?? engine.inline.get(message.executionId);
        if (workflowId) this.options.live.node(workflowId, message.executionId, message.event);
        const progress = workflowId === undefined ? undefined : this.childProgress.get(message.executionId);
        if (progress) {
          const { status } = message.event;
          if (status === 'succeeded' || status === 'failed' || status === 'skipped')
            progress.done.add(message.event.nodeId);
          this.options.live.childProgress(progress.parent, this.childLive(message.executionId, progress, 'running'));
        }
      } else if (message.type === 'finished') {
        const inline = engine.inline.get(message.executionId);
        if (inline !== undefined) {
          engine.inline.delete(message.executionId);
          this.end(message.executionId, message.result, inline);
          continue;
        }
        const workflowId = engine.running.get(message.executionId);
        if (!workflowId) continue;
        engine.running.delete(message.executionId);
        this.end(message.executionId, message.result, workflowId);
        this.dispatch();
      } else if (message.type === 'subrun') {
        void this.subrun(engine, message);
      }
    }
    return engine;
  }

  private checkHeartbeats(): void {
    const now = this.now();
    // This check runs every 500 ms. Coming much later means this process was busy (a huge job, a
    // long GC), and timers run before pending socket reads: the engines' heartbeats may be waiting
    // unread, so the silence is ours and counts for nobody.
    const stalled = now - this.lastCheck > ENGINE_LOST_AFTER_MS / 2;
    this.lastCheck = now;
    if (stalled) {
      for (const engine of this.engines) engine.lastSeen = Math.max(engine.lastSeen, now - ENGINE_HEARTBEAT_MS);
    }
    for (const engine of this.engines) {
      if (now - engine.lastSeen > ENGINE_LOST_AFTER_MS) {
        engine.socket.terminate();
        this.lose(engine, `no heartbeat for ${ENGINE_LOST_AFTER_MS / 1000} s`);
        continue;
      }
      for (const [id, workflowId] of engine.running) {
        const deadline = this.deadlines.get(id);
        if (deadline === undefined || now < deadline.at) continue;
        // An engine that keeps heartbeating but never ends a run (a bug, or a hostile engine)
        // must not hold it "running" for ever: past its time limit and a grace, the run fails here.
        engine.running.delete(id);
        this.send(engine, { type: 'cancel', executionId: id });
        this.end(
          id,
          {
            status: 'failed',
            error: `The engine did not end the run within its ${deadline.limitSeconds} s time limit`,
            runs: [],
            lastOutput: [],
          },
          workflowId,
        );
        this.dispatch();
      }
    }
  }

  private lose(engine: EngineConn, why: string): void {
    if (!this.engines.delete(engine)) return;
    const facts = { engineId: engine.id, running: engine.running.size, why };
    // An engine that goes with nothing running (a stop, a restart, a scale-down) is news, not trouble.
    if (engine.running.size === 0) this.options.logger.info(facts, 'engine left');
    else this.options.logger.warn(facts, 'engine lost');
    for (const [id, workflowId] of engine.running) {
      const starting = this.starting.get(id);
      if (starting && starting.claimed === undefined) {
        // Its claim is still in flight: the row may be another instance's run (a duplicate job).
        // handOver ends it once the claim says it is this engine's.
        starting.engineLost = why;
        continue;
      }
      this.endLost(engine.id, id, workflowId, why);
    }
    engine.running.clear();
    for (const [id, workflowId] of engine.inline) this.endLost(engine.id, id, workflowId, why);
    engine.inline.clear();
    this.capacityChanged();
    this.dispatch();
  }

  /** Ends a run whose engine went away: failed and lost, or canceled when someone had asked to stop it. */
  private endLost(engineId: string, id: string, workflowId: string, why: string): void {
    const line = `Engine ${engineId} was lost: ${why}`;
    if (this.stopRequested.has(id) || this.starting.get(id)?.canceled) {
      const logs = [{ at: this.now(), level: 'warn' as const, message: `${line} (before it confirmed the stop)` }];
      this.end(id, { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [], logs }, workflowId);
      return;
    }
    const logs = [{ at: this.now(), level: 'error' as const, message: line }];
    this.end(id, { status: 'failed', error: 'Engine lost', runs: [], lastOutput: [], logs }, workflowId, true);
  }

  /** `lost`: the run ends because its engine went away (the engine-loss listeners hear of it once stored). */
  private end(executionId: string, result: RunResultMessage, workflowId: string, lost = false): void {
    this.deadlines.delete(executionId);
    this.stopRequested.delete(executionId);
    this.finishing.set(workflowId, (this.finishing.get(workflowId) ?? 0) + 1);
    // Runs that end close together share one commit; waiters hear of it once it is durable.
    this.finisher.add(
      executionId,
      result,
      this.now(),
      (recorded) => {
        const left = (this.finishing.get(workflowId) ?? 1) - 1;
        if (left > 0) this.finishing.set(workflowId, left);
        else this.finishing.delete(workflowId);
        const mode = this.modes.get(executionId);
        this.modes.delete(executionId);
        this.options.live.finished(workflowId, executionId, recorded.status, recorded.error, mode);
        const progress = this.childProgress.get(executionId);
        if (progress) {
          this.childProgress.delete(executionId);
          const counts = this.childCounts.get(childKey(progress.parent));
          if (counts && recorded.status !== 'succeeded') counts.failed++;
          this.options.live.childProgress(
            progress.parent,
            this.childLive(executionId, progress, recorded.status),
            true,
          );
        }
        // The caller ended: its nodes' counts go.
        for (const key of this.childCounts.keys())
          if (key.startsWith(`${executionId}\u0000`)) this.childCounts.delete(key);
        this.resolveWaiters(executionId, recorded);
        if (lost) this.runLost(executionId, workflowId);
      },
      lost,
    );
  }

  private resolveWaiters(executionId: string, result: RunResultMessage): void {
    const waiters = this.waiters.get(executionId) ?? [];
    this.waiters.delete(executionId);
    for (const resolve of waiters) resolve(result);
  }

  /**
   * Hands queued executions to the least busy engines with room, workflows in
   * turn (FairQueue), and no workflow past its share of the engines: a
   * workflow whose runs wait for hours (a Wait node, a slow API) cannot take
   * every slot from other users' runs.
   */
  private dispatch(): void {
    if (this.queue.size === 0) return;
    let capacity = 0;
    const running = new Map<string, number>();
    for (const e of this.engines) {
      capacity += e.concurrency;
      for (const workflowId of e.running.values()) running.set(workflowId, (running.get(workflowId) ?? 0) + 1);
    }
    const share = this.options.maxRunningPerWorkflow || Math.max(1, Math.floor(capacity / 2));
    while (this.queue.size > 0) {
      const best = this.leastBusy();
      if (!best) return;
      const entry = this.queue.next((workflowId) => (running.get(workflowId) ?? 0) < share);
      if (!entry) return;
      running.set(entry.workflowId, (running.get(entry.workflowId) ?? 0) + 1);
      const row = this.queuedRows.get(entry.id);
      this.queuedRows.delete(entry.id);
      // handOver takes the slot before its first await, so this loop sees it taken.
      void this.handOver(best, { ...entry, row }, this.markRunning(entry.id));
    }
  }

  /**
   * Gives one queued execution to an engine. Its slot is taken before the
   * first await, so no other dispatch can hand out the same slot. Building its
   * job reads the database and decrypts credentials, either of which can
   * fail: then the slot is freed, that execution fails with the reason and
   * the others go on. Never rejects.
   */
  private markRunning(id: string): Claim {
    return async (engineId) =>
      (await this.options.executions.markRunning(id, engineId, this.now())) ? 'claimed' : 'notQueued';
  }

  private async handOver(
    engine: EngineConn,
    { id, workflowId, row }: { id: string; workflowId: string; row?: ExecutionRow | undefined },
    claim: Claim,
  ): Promise<HandOverOutcome> {
    engine.running.set(id, workflowId);
    const starting: Starting = { canceled: false, claimed: undefined, engineLost: undefined };
    this.starting.set(id, starting);
    // Read through a function: cancel() sets it during the awaits.
    const canceled = () => starting.canceled;
    // While the job was built the engine may have gone (lose) or the workflow been deleted (stopWorkflow):
    // they freed the slot and answered the run's waiters, so nothing is left to do here.
    const stillOurs = () => this.engines.has(engine) && engine.running.get(id) === workflowId;
    const release = () => {
      if (stillOurs()) engine.running.delete(id);
      this.dispatch();
    };
    try {
      // Claimed before the job is built: a run its workflow's cap turns away (a busy workflow's
      // runs are turned away many times in a cluster) costs one statement, not the job's reads.
      let claimed: ClaimOutcome;
      try {
        claimed = await claim(engine.id);
      } catch (error) {
        starting.claimed = false;
        // The engine went meanwhile and the claim failed: whether it took the row is unknown, so the
        // run ends lost, as it would have had the engine gone a moment later.
        if (starting.engineLost !== undefined) {
          this.endLost(engine.id, id, workflowId, starting.engineLost);
          return 'ended';
        }
        throw error;
      }
      starting.claimed = claimed === 'claimed';
      if (starting.engineLost !== undefined) {
        // The engine went while the claim was in flight (lose left the run to this).
        if (claimed !== 'claimed') return claimed;
        this.endLost(engine.id, id, workflowId, starting.engineLost);
        return 'ended';
      }
      if (claimed !== 'claimed') {
        // Stopped, deleted or taken meanwhile (whoever did that records its end), or the workflow is at its cap.
        if (stillOurs()) release();
        return claimed;
      }
      // From here the run is this engine's: every way out records its end.
      if (!stillOurs()) return 'ended';
      const built = await this.jobFor(id, row);
      if (!stillOurs()) return 'ended';
      if (canceled()) {
        release();
        this.end(id, { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [] }, workflowId);
        return 'ended';
      }
      if (!built.ok) {
        release();
        this.end(id, { status: 'failed', error: built.failed, runs: [], lastOutput: [] }, workflowId);
        return 'ended';
      }
      const { job } = built;
      // A child its caller did not wait for: its progress shows on the caller's node, as an inline child's does.
      const caller = built.caller && (await this.callerNode(built.caller));
      if (!stillOurs()) return 'ended';
      if (caller) this.showChild(id, caller, workflowId, job.definition);
      this.modes.set(id, job.mode);
      this.send(engine, { type: 'run', job });
      // Recorded once the secrets are on their way: a job refused before sending used none.
      for (const credentialId of Object.keys(job.credentials ?? {})) {
        this.options.credentialUse?.used({
          credentialId,
          workflowId,
          versionHash: job.versionHash,
          executionId: id,
          mode: job.mode,
          startedBy: built.startedBy,
        });
      }
      const limitSeconds = timeLimitOf(job.definition, job.defaultTimeoutSeconds);
      if (limitSeconds > 0) {
        this.deadlines.set(id, { at: this.now() + limitSeconds * 1000 + overdueGraceMs(limitSeconds), limitSeconds });
      }
      return 'sent';
    } catch (error) {
      this.options.logger.error({ err: error, executionId: id }, 'handing an execution to an engine failed');
      if (!stillOurs()) return 'ended';
      release();
      const reason = error instanceof Error ? error.message : String(error);
      this.end(
        id,
        { status: 'failed', error: `Could not start the run: ${reason}`, runs: [], lastOutput: [] },
        workflowId,
      );
      return 'ended';
    } finally {
      this.starting.delete(id);
    }
  }

  /**
   * An Execute Workflow node asks for a child run. Only a run this engine holds may ask; everything else the
   * message says is checked by the starter. Answers subrunStarted, then with wait the child's inline job, or
   * subrunRefused with the reason. Never rejects.
   */
  private async subrun(engine: EngineConn, m: Extract<EngineToServer, { type: 'subrun' }>): Promise<void> {
    const refuse = (message: string) => {
      if (this.engines.has(engine)) this.send(engine, { type: 'subrunRefused', requestId: m.requestId, message });
    };
    /** The inline child stored for this request, until its job is on its way. */
    let pendingChild: { id: string; workflowId: string } | undefined;
    try {
      const parentWorkflow = engine.running.get(m.executionId) ?? engine.inline.get(m.executionId);
      if (parentWorkflow === undefined) {
        refuse(`Execution ${m.executionId} is not running on this engine`);
        return;
      }
      const starter = this.subworkflows;
      if (!starter) {
        refuse('This server does not run sub-workflows');
        return;
      }
      let items: Item[];
      try {
        items = subrunItems.parse(JSON.parse(m.items));
      } catch {
        refuse('The items for the sub-workflow are not a list of { json } objects');
        return;
      }
      const parent = await this.options.executions.get(m.executionId);
      if (!parent) {
        refuse(`Execution ${m.executionId} is gone`);
        return;
      }
      const outcome = await starter.start({
        parent,
        nodeId: m.nodeId,
        workflowId: m.workflowId,
        version: m.version,
        ...(m.versionName !== undefined ? { versionName: m.versionName } : {}),
        items,
        wait: m.wait,
        engine: { id: engine.id, ...(this.options.instanceId ? { instanceId: this.options.instanceId } : {}) },
      });
      if (!outcome.ok) {
        refuse(outcome.message);
        return;
      }
      const { childId, workflowId } = outcome;
      if (!m.wait) {
        if (this.engines.has(engine))
          this.send(engine, { type: 'subrunStarted', requestId: m.requestId, childExecutionId: childId });
        return;
      }
      // Stored running on this engine: from here every way out records the child's end.
      engine.inline.set(childId, workflowId);
      pendingChild = { id: childId, workflowId };
      const stillOurs = () => this.engines.has(engine) && engine.inline.get(childId) === workflowId;
      const built = await this.jobFor(childId);
      if (!stillOurs()) return;
      if (!built.ok) {
        engine.inline.delete(childId);
        this.end(childId, { status: 'failed', error: built.failed, runs: [], lastOutput: [] }, workflowId);
        refuse(built.failed);
        return;
      }
      const job: Job = { ...built.job, inline: { parentExecutionId: m.executionId, requestId: m.requestId } };
      const parentNode = { workflowId: parentWorkflow, executionId: m.executionId, nodeId: m.nodeId };
      const key = childKey(parentNode);
      const counts = this.childCounts.get(key) ?? { runs: 0, failed: 0 };
      counts.runs++;
      this.childCounts.set(key, counts);
      this.showChild(childId, parentNode, workflowId, job.definition);
      this.send(engine, { type: 'subrunStarted', requestId: m.requestId, childExecutionId: childId });
      this.send(engine, { type: 'run', job });
      pendingChild = undefined;
      for (const credentialId of Object.keys(job.credentials ?? {})) {
        this.options.credentialUse?.used({
          credentialId,
          workflowId,
          versionHash: job.versionHash,
          executionId: childId,
          mode: job.mode,
          startedBy: built.startedBy,
        });
      }
    } catch (error) {
      this.options.logger.error({ err: error, executionId: m.executionId }, 'starting a sub-workflow failed');
      if (pendingChild && engine.inline.delete(pendingChild.id)) {
        const reason = error instanceof Error ? error.message : String(error);
        this.end(
          pendingChild.id,
          { status: 'failed', error: `Could not start the run: ${reason}`, runs: [], lastOutput: [] },
          pendingChild.workflowId,
        );
      }
      refuse(`The sub-workflow could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The caller's node with its workflow, for a child's progress; undefined when the caller is gone (retention). */
  private async callerNode(caller: {
    executionId: string;
    nodeId: string;
  }): Promise<{ workflowId: string; executionId: string; nodeId: string } | undefined> {
    const row = await this.options.executions.get(caller.executionId);
    return row ? { workflowId: row.workflowId, ...caller } : undefined;
  }

  /**
   * The job for an execution just claimed; `failed` says why the run fails instead. `caller`: the run and node
   * that started it (a sub-workflow run).
   */
  private async jobFor(
    executionId: string,
    /** The row as stored, when the caller has it: only columns a run never changes are read. */
    stored?: ExecutionRow,
  ): Promise<
    | { ok: true; job: Job; startedBy: string | null; caller?: { executionId: string; nodeId: string } }
    | { ok: false; failed: string }
  > {
    const row = stored ?? (await this.options.executions.get(executionId));
    if (!row) return { ok: false, failed: 'The execution is gone' };
    // Trigger items alone past the frame limit: refused before parsing and encoding tens of
    // megabytes, which would hold this thread (and every socket) for seconds.
    if (row.triggerItems && row.triggerItems.length > ENGINE_MAX_FRAME_BYTES / 3) {
      tooLarge(Buffer.byteLength(row.triggerItems), 'its trigger items are too large');
    }
    if (row.pins && row.pins.length > ENGINE_MAX_FRAME_BYTES / 3) {
      tooLarge(Buffer.byteLength(row.pins), 'its pinned data is too large');
    }
    const version = await this.options.versions.get(row.versionHash);
    const workflow = await this.options.workflows.get(row.workflowId);
    if (!version || !workflow) return { ok: false, failed: 'The workflow version is gone' };
    const { runPolicy } = this.options;
    const policy = typeof runPolicy === 'function' ? runPolicy() : runPolicy;
    const partial = await this.partialOf(row, version.definition);
    if (partial.failed !== undefined) return { ok: false, failed: partial.failed };
    // Credentials travel with the job only where their owner granted them to this workflow:
    // being a member of it, even its owner, grants nothing (docs/SECURITY.md).
    const secrets: NonNullable<Job['credentials']> = {};
    for (const node of version.definition.nodes) {
      for (const id of Object.values(node.credentials ?? {})) {
        const found = await this.options.credentials.grantedSecret(id, row.workflowId);
        if (found.status !== 'ok') {
          return { ok: false, failed: `Node "${node.name}" uses credential ${id}, ${credentialRefusal[found.status]}` };
        }
        secrets[id] = found.secret;
      }
    }
    return {
      ok: true,
      startedBy: row.createdBy,
      ...(row.parentExecutionId !== null && row.parentNodeId !== null
        ? { caller: { executionId: row.parentExecutionId, nodeId: row.parentNodeId } }
        : {}),
      job: {
        executionId,
        credentials: secrets,
        workflow: { id: workflow.id, name: version.definition.name, active: workflow.active ?? false },
        mode: row.mode,
        versionHash: row.versionHash,
        definition: version.definition,
        ...(row.startNodeId ? { startNodeId: row.startNodeId } : {}),
        ...(row.triggerItems ? { triggerItems: JSON.parse(row.triggerItems) as Job['triggerItems'] } : {}),
        ...(row.pins ? { pins: JSON.parse(row.pins) as Job['pins'] } : {}),
        ...(partial.job ? { partial: partial.job } : {}),
        ...(policy
          ? {
              limits: policy.limits,
              network: policy.network,
              timezone: policy.timezone,
              ...(policy.defaultTimeoutSeconds === undefined
                ? {}
                : { defaultTimeoutSeconds: policy.defaultTimeoutSeconds }),
            }
          : {}),
      },
    };
  }

  /**
   * A partial run's job part, planned again from what its row stored (ExecutionService planned it when the run
   * was asked for, and a retry replays it): the same version, fingerprints, pins and base give the same plan.
   * A base deleted since (retention) leaves nothing to reuse, and a step then runs to its node from the trigger.
   */
  private async partialOf(
    row: ExecutionRow,
    definition: WorkflowDefinition,
  ): Promise<{ job?: PartialJob; failed?: string }> {
    if (row.runScope === null && row.baseExecutionId === null) return {};
    const base = row.baseExecutionId === null ? undefined : await this.options.executions.get(row.baseExecutionId);
    if (row.baseExecutionId !== null && !base) {
      await this.options.executions.log(
        row.id,
        'warn',
        `The run it built on (${row.baseExecutionId}) has been deleted: nothing is reused`,
        this.now(),
      );
    }
    const input: PartialInput = {
      definition,
      fingerprints: parseFingerprints(row.fingerprints),
      pins: row.pins ? (JSON.parse(row.pins) as Record<string, unknown>) : undefined,
      scope: scopeOf(row.runScope) ?? 'all',
      destination: row.destinationNodeId ?? undefined,
      startNodeId: row.startNodeId ?? undefined,
      base: base && {
        fingerprints: parseFingerprints(base.fingerprints),
        runs: await this.options.executions.lastRuns(base.id),
      },
    };
    let outcome = planPartialJob(input);
    if (!outcome.ok && !base && input.scope === 'step') outcome = planPartialJob({ ...input, scope: 'toHere' });
    if (!outcome.ok) return { failed: outcome.error.message };
    return outcome.partial ? { job: outcome.partial } : {};
  }

  /**
   * Sends one message. A frame over the engine's limit would close its
   * connection and lose every run on it, so a job that large is refused here
   * (its execution fails with the reason; handOver catches it).
   */
  private send(engine: EngineConn, message: ServerToEngine): void {
    const text = JSON.stringify(message);
    if (text.length * 3 > ENGINE_MAX_FRAME_BYTES)
      tooLarge(Buffer.byteLength(text), 'its trigger items or its workflow are too large');
    if (!engine.corked) {
      // Jobs come in bursts (the runs one commit stored start together): a write per frame cost more
      // server time than building the job. They leave together once this turn's promise callbacks ran
      // (not a turn later: a slot waiting for its job is an engine waiting for work).
      engine.corked = true;
      engine.wire.cork();
      process.nextTick(() => {
        engine.corked = false;
        engine.wire.uncork();
      });
    }
    engine.socket.send(text);
  }
}
