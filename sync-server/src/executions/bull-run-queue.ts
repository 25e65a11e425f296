import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, Queue, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '#shared/log.ts';
import { runResultSchema, type RunResultMessage } from '#shared/protocol/engine.ts';
import { warnIfRedisEvicts } from '../cluster/redis-eviction.ts';
import type { ClaimedRun, EngineHub, RunLostListener } from './engine-hub.ts';
import type { ExecutionRow, ExecutionStore, OutboxEntry } from './execution-store.ts';
import type { LiveStatus } from './live-status.ts';
import type { RunQueue } from './run-queue.ts';

/**
 * The cluster's run queue on BullMQ (docs/plans/scale-out.md §6.1–§6.5).
 *
 * - **A job exists exactly when its row committed.** The run and its
 *   `job_outbox` entry are one transaction; right after it a relay adds the
 *   job (`jobId: run-<id>`, which BullMQ never adds twice) and deletes the
 *   entry, and a sweep every second adds whatever an instance that died in
 *   between left behind.
 * - **A run runs at most once.** BullMQ delivers at least once; the processor
 *   claims the row (queued → running, conditional), so a duplicate or stalled
 *   job finds it taken and completes without running.
 * - **Never stuck.** Each instance keeps `<prefix>instance:<id>` alive; a
 *   reconciler (one instance at a time) fails running rows whose instance key
 *   lapsed, and adds again the job of a queued row whose job vanished.
 *
 * Engines stay attached to instances (§6.1): each instance's Worker takes as
 * many jobs at once as its engines have slots, and none without an engine.
 * Answers reach the instance that waits through `<prefix>reply:<instance>`,
 * with a poll of the row as the fallback for a lost message.
 */

export interface BullRunQueueOptions {
  redisUrl: string;
  /** Key prefix of everything in Redis ("weft"), so several clusters can share one Redis. */
  prefix: string;
  instanceId: string;
  hub: EngineHub;
  executions: ExecutionStore;
  live: LiveStatus;
  logger: Logger;
  /** Runs one workflow may have running across the cluster; 0: half of all attached engines' slots (at least 1). */
  maxRunningPerWorkflow: number;
  timings?: Partial<BullRunQueueTimings>;
}

export interface BullRunQueueTimings {
  sweepMs: number;
  heartbeatMs: number;
  /** How long an instance key outlives its last renewal. */
  instanceTtlMs: number;
  reconcileMs: number;
  /** A queued row this old without a job gets its job again. */
  staleQueuedMs: number;
  /** How often a waiter reads the row, in case its answer was lost on the way. */
  waiterPollMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

const DEFAULT_TIMINGS: BullRunQueueTimings = {
  sweepMs: 1_000,
  heartbeatMs: 3_000,
  instanceTtlMs: 10_000,
  reconcileMs: 5_000,
  staleQueuedMs: 30_000,
  waiterPollMs: 2_000,
  lockDurationMs: 15_000,
  stalledIntervalMs: 5_000,
};

export const RUNS_QUEUE = 'weft-runs';
const FIRST_CONNECT_WAIT_MS = 5_000;
const SWEEP_BATCH = 500;
/** An answer that came before its waiter is kept this long, and at most this many. */
const EARLY_ANSWER_MS = 2_000;
const EARLY_ANSWER_MAX = 200;
/** Quick looks at a job that is completing before the row alone answers. */
const FINISHED_RECHECKS = 5;
const RECONCILE_BATCH = 500;
/** Completed jobs stay this long, so a late duplicate add of the same id is still refused. */
const KEEP_COMPLETED_SECONDS = 3600;

const jobDataSchema = z.object({ executionId: z.string(), workflowId: z.string() });
type JobData = z.infer<typeof jobDataSchema>;

/** What a waiter needs of a result (webhook-response.ts): no node runs, no logs. */
const answerSchema = runResultSchema.pick({ status: true, error: true, lastOutput: true, response: true });
type Answer = z.infer<typeof answerSchema>;
const replySchema = z.object({ executionId: z.string(), answer: answerSchema });

const answerOf = (result: RunResultMessage): Answer => ({
  status: result.status,
  ...(result.error === undefined ? {} : { error: result.error }),
  lastOutput: result.lastOutput,
  ...(result.response === undefined ? {} : { response: result.response }),
});
const asResult = (answer: Answer): RunResultMessage => ({ ...answer, runs: [] });

export const jobIdOf = (executionId: string): string => `run-${executionId}`;

export class BullRunQueue implements RunQueue {
  readonly usesOutbox = true;
  private readonly timings: BullRunQueueTimings;
  private readonly queue: Queue;
  private readonly worker: Worker;
  /** Commands and PUBLISH; fails fast while Redis is away (the outbox keeps the job). */
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  /** BullMQ leaves connections it was given open: closed here. */
  private readonly bullConnections: Redis[];
  private readonly waiters = new Map<string, Set<(result: RunResultMessage) => void>>();
  /**
   * Answers that came before anyone waited: a fast run can end between its
   * row's commit and the webhook's `waitFor`. Kept briefly, by time of arrival.
   */
  private readonly early = new Map<string, { result: RunResultMessage; at: number }>();
  /** Jobs of each workflow this instance put off at the workflow's running cap: woken when one of its runs ends here. */
  private readonly putOff = new Map<string, Set<string>>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly lostListeners: RunLostListener[] = [];
  private readonly lastLogged = new Map<string, number>();
  private sweeping: Promise<void> | undefined;
  private sweepAgain = false;
  private workerState: 'idle' | 'running' | 'paused' = 'idle';
  private stopCapacity: () => void = () => {};
  /** Slots of engines attached to the other live instances, as of the last heartbeat. */
  private othersCapacity = 0;
  /** Queued runs per workflow across the cluster: the last count read, plus what this instance stored since. */
  private queued = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: BullRunQueueOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    const prefix = options.prefix;
    this.redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    const queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    // Blocking reads: BullMQ requires a connection that retries for ever.
    const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.bullConnections = [queueConnection, workerConnection];
    this.queue = new Queue(RUNS_QUEUE, {
      connection: queueConnection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
        removeOnFail: { age: 24 * 3600 },
      },
    });
    this.worker = new Worker(RUNS_QUEUE, (job, token) => this.process(job, token), {
      connection: workerConnection,
      prefix,
      autorun: false,
      concurrency: 1,
      lockDuration: this.timings.lockDurationMs,
      stalledInterval: this.timings.stalledIntervalMs,
      maxStalledCount: 1,
    });
    this.redis.on('error', (error: Error) => this.warn('redis', error));
    this.subscriber.on('error', (error: Error) => this.warn('redis subscriber', error));
    this.queue.on('error', (error: Error) => this.warn('run queue', error));
    this.worker.on('error', (error: Error) => this.warn('run worker', error));
    this.subscriber.on('message', (channel: string, payload: string) => this.heard(channel, payload));
  }

  private key(name: string): string {
    return `${this.options.prefix}:${name}`;
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(what) ?? 0) < 10_000) return;
    this.lastLogged.set(what, now);
    this.options.logger.warn({ err: error }, `${what} failed`);
  }

  /** Runs `fn` every `ms`; a failure is logged and the next round tries again. */
  private every(ms: number, what: string, fn: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      fn().catch((error: unknown) => this.warn(what, error));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  async start(): Promise<void> {
    const id = this.options.instanceId;
    // Redis away at start delays nothing for long: the subscription is sent once it connects, and
    // runs wait in the outbox meanwhile. Commands fail fast while not connected, so the first beat
    // waits for the connection (a while at most).
    const subscribed = this.subscriber
      .subscribe(this.key(`reply:${id}`), this.key(`cancel:${id}`))
      .catch((error: unknown) => this.warn('subscribing to answers and stops', error));
    await Promise.race([subscribed, sleep(FIRST_CONNECT_WAIT_MS, undefined, { ref: false })]);
    if (this.redis.status !== 'ready') {
      await Promise.race([
        once(this.redis, 'ready').catch(() => undefined),
        sleep(FIRST_CONNECT_WAIT_MS, undefined, { ref: false }),
      ]);
    }
    await this.heartbeat().catch((error: unknown) => this.warn('renewing the instance key', error));
    await warnIfRedisEvicts(this.redis, this.options.logger);
    this.every(this.timings.heartbeatMs, 'renewing the instance key', () => this.heartbeat());
    this.every(this.timings.sweepMs, 'relaying the outbox', () => this.sweep());
    this.every(this.timings.sweepMs, 'counting queued runs', async () => {
      this.queued = await this.options.executions.queuedCounts();
    });
    this.every(this.timings.reconcileMs, 'reconciling runs', () => this.reconcile());
    this.stopCapacity = this.options.hub.onCapacity((capacity) => this.fitWorker(capacity));
    this.fitWorker(this.options.hub.capacity);
    // Entries a dead instance left: added now rather than a second from now.
    this.sweepSoon();
  }

  /**
   * Keeps this instance's key alive, holding its engines' slots, and sums the
   * slots of the other live instances (a sorted set of who beat lately).
   */
  private async heartbeat(): Promise<void> {
    const id = this.options.instanceId;
    const ttl = this.timings.instanceTtlMs;
    const now = Date.now();
    const members = this.key('instances');
    await this.redis
      .multi()
      .set(this.key(`instance:${id}`), String(this.options.hub.capacity), 'PX', ttl)
      .zadd(members, now, id)
      .zremrangebyscore(members, 0, now - ttl)
      .exec();
    const others = (await this.redis.zrange(members, 0, -1)).filter((other) => other !== id);
    const slots = others.length > 0 ? await this.redis.mget(others.map((other) => this.key(`instance:${other}`))) : [];
    this.othersCapacity = slots.reduce((sum, value) => sum + (Number(value) || 0), 0);
  }

  /** The per-workflow running cap: as configured, or half of every attached engine's slots, as alone. */
  private get runningCap(): number {
    return (
      this.options.maxRunningPerWorkflow ||
      Math.max(1, Math.floor((this.othersCapacity + this.options.hub.capacity) / 2))
    );
  }

  /** The Worker takes as many jobs at once as the attached engines have slots, and none without an engine. */
  private fitWorker(capacity: number): void {
    if (this.closed) return;
    // Other instances hear of the new slots now rather than at the next beat.
    this.heartbeat().catch((error: unknown) => this.warn('renewing the instance key', error));
    if (capacity > 0) this.worker.concurrency = capacity;
    if (capacity > 0 && this.workerState === 'idle') {
      this.workerState = 'running';
      this.worker.run().catch((error: unknown) => this.options.logger.error({ err: error }, 'the run worker stopped'));
    } else if (capacity > 0 && this.workerState === 'paused') {
      this.workerState = 'running';
      this.worker.resume().catch((error: unknown) => this.warn('resuming the worker', error));
    } else if (capacity === 0 && this.workerState === 'running') {
      this.workerState = 'paused';
      // Runs in hand end with their engine (lost); only new jobs stop coming.
      this.worker.pause(true).catch((error: unknown) => this.warn('pausing the worker', error));
    }
  }

  enqueue(_executionId: string, workflowId: string): void {
    this.queued.set(workflowId, (this.queued.get(workflowId) ?? 0) + 1);
    this.sweepSoon();
  }

  /**
   * Adds the outbox's jobs now: a call while a sweep runs makes one more
   * sweep after it, so runs committed together are added together (addBulk).
   */
  private sweepSoon(): void {
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = this.sweep()
      .catch((error: unknown) => this.warn('relaying the outbox', error))
      .finally(() => {
        this.sweeping = undefined;
        if (this.sweepAgain && !this.closed) {
          this.sweepAgain = false;
          this.sweepSoon();
        }
      });
  }

  private async sweep(): Promise<void> {
    if (this.closed) return;
    while ((await this.options.executions.relayOutbox(SWEEP_BATCH, (entries) => this.add(entries))) === SWEEP_BATCH);
  }

  private async add(entries: OutboxEntry[]): Promise<void> {
    await this.queue.addBulk(
      entries.map((e) => ({
        name: 'run',
        data: { executionId: e.executionId, workflowId: e.workflowId } satisfies JobData,
        opts: { jobId: jobIdOf(e.executionId), priority: e.priority },
      })),
    );
  }

  private async process(job: BullJob, token: string | undefined): Promise<Answer | { status: 'notQueued' }> {
    const { executionId, workflowId } = jobDataSchema.parse(job.data);
    const cap = this.runningCap;
    // This instance's own runs of the workflow already fill its cap: the claim would say so.
    const full = cap > 0 && this.options.hub.runningCount(workflowId) >= cap;
    const ran: ClaimedRun = full
      ? { outcome: 'atCapacity' }
      : await this.options.hub.runClaimed(executionId, workflowId, (engineId) =>
          this.options.executions.claim(executionId, {
            engineId,
            instanceId: this.options.instanceId,
            now: Date.now(),
            maxRunningPerWorkflow: cap,
          }),
        );
    if (ran.outcome === 'noEngine' || ran.outcome === 'atCapacity') {
      // Postponed, not failed: BullMQ's pattern for "not now" from inside a processor. At the
      // workflow's cap the job is also woken as soon as one of its runs ends here, so a busy
      // workflow's runs follow each other without waiting out the backoff.
      const backoff = Math.min(2_000, 25 * 2 ** Math.min(7, Math.max(0, job.attemptsStarted - 1)));
      if (ran.outcome === 'atCapacity' && job.id !== undefined) {
        const jobs = this.putOff.get(workflowId) ?? new Set<string>();
        jobs.add(job.id);
        this.putOff.set(workflowId, jobs);
      }
      await job.moveToDelayed(Date.now() + backoff, token);
      throw new DelayedError();
    }
    if (ran.outcome !== 'ended') return { status: 'notQueued' };
    this.wakeOne(workflowId);
    const answer = answerOf(ran.result);
    await this.reply(executionId, answer);
    return answer;
  }

  /** After the end is durable: to this instance's waiters, and to the instance that waits, if another. */
  private async reply(executionId: string, answer: Answer): Promise<void> {
    this.deliver(executionId, asResult(answer));
    try {
      const waiting = await this.redis.get(this.key(`waiter:${executionId}`));
      if (waiting !== null && waiting !== this.options.instanceId) {
        await this.redis.publish(this.key(`reply:${waiting}`), JSON.stringify({ executionId, answer }));
      }
    } catch (error) {
      // The waiter reads the row (and this job's return value) every few seconds.
      this.warn('answering a waiting instance', error);
    }
  }

  private heard(channel: string, payload: string): void {
    const id = this.options.instanceId;
    if (channel === this.key(`cancel:${id}`)) {
      this.options.hub.cancel(payload);
      return;
    }
    if (channel !== this.key(`reply:${id}`)) return;
    try {
      const reply = replySchema.parse(JSON.parse(payload));
      this.deliver(reply.executionId, asResult(reply.answer));
    } catch (error) {
      this.warn('reading an answer', error);
    }
  }

  private deliver(executionId: string, result: RunResultMessage): void {
    const waiters = this.waiters.get(executionId);
    if (!waiters) {
      const now = Date.now();
      this.early.set(executionId, { result, at: now });
      // Oldest first (insertion order): the race it covers lasts milliseconds, so little is kept for long.
      for (const [id, kept] of this.early) {
        if (now - kept.at < EARLY_ANSWER_MS && this.early.size <= EARLY_ANSWER_MAX) break;
        this.early.delete(id);
      }
      return;
    }
    this.waiters.delete(executionId);
    for (const resolve of waiters) resolve(result);
  }

  /** A run of the workflow ended here: one job put off at its cap may go now instead of after its backoff. */
  private wakeOne(workflowId: string): void {
    const jobs = this.putOff.get(workflowId);
    const next = jobs?.values().next();
    if (!jobs || !next || next.done) return;
    jobs.delete(next.value);
    if (jobs.size === 0) this.putOff.delete(workflowId);
    // Taken meanwhile (its delay ran out, or another instance) is fine: promote only moves a delayed job.
    this.queue
      .getJob(next.value)
      .then((job) => job?.promote())
      .catch(() => undefined);
  }

  queuedCount(workflowId: string): number {
    // Counted across instances once a second: the cap may be passed by what other instances store within that second.
    return this.queued.get(workflowId) ?? 0;
  }

  queuedTotal(): number {
    // The whole cluster's queue, as counted for the cap once a second.
    let total = 0;
    for (const n of this.queued.values()) total += n;
    return total;
  }

  waitFor(executionId: string, timeoutMs: number): Promise<RunResultMessage | undefined> {
    const early = this.early.get(executionId);
    if (early) {
      this.early.delete(executionId);
      return Promise.resolve(early.result);
    }
    return new Promise((resolve) => {
      const waiters = this.waiters.get(executionId) ?? new Set();
      this.waiters.set(executionId, waiters);
      let settled = false;
      const finish = (result: RunResultMessage | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiters.get(executionId) === waiters) this.waiters.delete(executionId);
        resolve(result);
      };
      const waiter = (result: RunResultMessage) => finish(result);
      waiters.add(waiter);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      timer.unref();
      let finishedSeen = 0;
      const check = async (): Promise<void> => {
        if (settled) return;
        const answer = await this.lookUp(executionId, finishedSeen >= FINISHED_RECHECKS);
        if (answer === 'unfinished') return;
        if (answer !== 'finishedNoAnswer') {
          finish(answer);
          return;
        }
        // The row ended and its job is completing: its answer is milliseconds away, not a poll away.
        finishedSeen += 1;
        await sleep(25 * finishedSeen, undefined, { ref: false });
        await check();
      };
      const poll = setInterval(() => {
        check().catch((error: unknown) => this.warn('reading a run for its waiter', error));
      }, this.timings.waiterPollMs);
      poll.unref();
      // Tell the instance that will run it where to answer; then look once, for a run that already ended.
      this.redis
        .set(this.key(`waiter:${executionId}`), this.options.instanceId, 'PX', timeoutMs)
        .catch((error: unknown) => this.warn('registering a waiter', error))
        .then(check)
        .catch((error: unknown) => this.warn('reading a run for its waiter', error));
    });
  }

  /**
   * A run's answer from the store: the job's return value (written once the
   * run's end is durable), or, when the row ended but the job has no value yet,
   * `finishedNoAnswer` — unless `orRow`, then what the row tells.
   */
  private async lookUp(
    executionId: string,
    orRow: boolean,
  ): Promise<RunResultMessage | 'unfinished' | 'finishedNoAnswer'> {
    const row = await this.options.executions.get(executionId);
    if (!row) return { status: 'canceled', error: 'The workflow was deleted', runs: [], lastOutput: [] };
    if (row.status === 'queued' || row.status === 'running') return 'unfinished';
    const job = await this.queue.getJob(jobIdOf(executionId));
    const value = answerSchema.safeParse(job?.returnvalue);
    if (value.success) return asResult(value.data);
    if (!orRow && job) return 'finishedNoAnswer';
    return rowResult(row);
  }

  async cancel(executionId: string): Promise<void> {
    const row = await this.options.executions.get(executionId);
    if (!row) return;
    if (await this.options.executions.cancelQueued(executionId, 'Canceled', Date.now())) {
      this.options.live.finished(row.workflowId, executionId, 'canceled', 'Canceled', row.mode);
      this.deliver(executionId, { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [] });
      // Best effort: a job already taken claims 'notQueued' and completes without running.
      await this.queue.remove(jobIdOf(executionId)).catch((error: unknown) => this.warn('removing a job', error));
      return;
    }
    if (this.options.hub.cancel(executionId)) return;
    const now = await this.options.executions.get(executionId);
    if (now?.status === 'running' && now.instanceId !== null) {
      await this.redis.publish(this.key(`cancel:${now.instanceId}`), executionId);
    }
  }

  onRunLost(fn: RunLostListener): void {
    // Engines lost here are the hub's news; runs of a dead instance are the reconciler's.
    this.options.hub.onRunLost(fn);
    this.lostListeners.push(fn);
  }

  async stopWorkflow(workflowId: string): Promise<void> {
    this.options.hub.stopWorkflow(workflowId);
    // Runs of it on other instances' engines, read before the rows go with the workflow: each holder
    // cancels its own. A failure is logged, not thrown: the delete goes on, and those engines' ends
    // find no row to write.
    try {
      for (const row of await this.options.executions.running()) {
        if (row.workflowId !== workflowId || row.instanceId === null) continue;
        if (row.instanceId === this.options.instanceId) continue;
        await this.redis.publish(this.key(`cancel:${row.instanceId}`), row.id);
      }
    } catch (error) {
      this.warn('stopping a deleted workflow on other instances', error);
    }
  }

  /**
   * One instance at a time (a lock that lapses with its holder): runs whose
   * instance is gone fail, and queued runs whose job is gone get it again.
   */
  private async reconcile(): Promise<void> {
    const lock = this.key('reconciler');
    const token = randomUUID();
    const got = await this.redis.set(lock, token, 'PX', this.timings.reconcileMs, 'NX');
    if (got !== 'OK') return;
    const { executions } = this.options;
    const now = Date.now();
    const running = (await executions.running()).filter((r) => r.instanceId !== null);
    const instances = [...new Set(running.map((r) => r.instanceId as string))];
    if (instances.length > 0) {
      const alive = await this.redis.mget(instances.map((i) => this.key(`instance:${i}`)));
      const dead = new Set(instances.filter((_, i) => alive[i] === null));
      for (const instance of dead) {
        const ids = running.filter((r) => r.instanceId === instance).map((r) => r.id);
        const why = `Engine lost: server instance ${instance} stopped`;
        for (const id of await executions.fail(ids, 'failed', why, now, { lost: true })) {
          await executions.log(id, 'error', why, now);
          // An instance whose key lapsed may still be alive (a long pause, Redis unreachable from it
          // alone): told to stop the run, its engine does not go on beside a retry.
          await this.redis
            .publish(this.key(`cancel:${instance}`), id)
            .catch((error: unknown) => this.warn('stopping a run of a lapsed instance', error));
          const row = running.find((r) => r.id === id);
          if (!row) continue;
          this.options.live.finished(row.workflowId, id, 'failed', why, row.mode);
          for (const fn of this.lostListeners) fn(id, row.workflowId);
        }
        if (ids.length > 0)
          this.options.logger.warn({ instance, runs: ids.length }, 'runs of a stopped instance failed');
      }
    }
    let checked = 0;
    for (const row of await executions.queued()) {
      // Oldest first, and a bounded number a round: a long backlog is looked through over several rounds.
      if (now - row.createdAt < this.timings.staleQueuedMs || ++checked > RECONCILE_BATCH) break;
      const job = await this.queue.getJob(jobIdOf(row.id));
      if (job) {
        const state = await job.getState();
        // A job that ended while its row is still queued (a processor that threw) would hold the id for ever.
        if (state !== 'completed' && state !== 'failed') continue;
        await job.remove();
      }
      this.options.logger.warn({ executionId: row.id }, 'a queued run had no job; added again');
      await this.add([{ executionId: row.id, workflowId: row.workflowId, priority: 1 }]);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCapacity();
    for (const timer of this.timers) clearInterval(timer);
    await this.sweeping;
    // Called after the hub closed: runs in hand have ended ("Engine lost"), so their jobs complete now.
    await this.worker.close();
    await this.queue.close();
    await this.redis.del(this.key(`instance:${this.options.instanceId}`)).catch(() => undefined);
    for (const connection of [this.subscriber, this.redis, ...this.bullConnections]) connection.disconnect();
  }
}

const rowResult = (row: ExecutionRow): RunResultMessage => ({
  status: row.status === 'succeeded' || row.status === 'failed' ? row.status : 'canceled',
  ...(row.error === null ? {} : { error: row.error }),
  runs: [],
  lastOutput: [],
});
