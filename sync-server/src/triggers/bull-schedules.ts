import { Cron } from 'croner';
import { Queue, Worker, type Job, type RepeatStrategy } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '#shared/log.ts';
import type { ScheduleSpec, Schedules, Tick } from './schedules.ts';

/**
 * Schedules across instances (docs/plans/scale-out.md §6.7): one BullMQ job
 * scheduler per workflow and Schedule node on a light queue of its own, so
 * busy engines never delay a tick. BullMQ makes one job per tick
 * (`repeat:<schedulerId>:<tickMillis>`, a job id it adds once) and any
 * instance's worker takes it; the execution it creates carries the tick in
 * its trigger key, so a tick handled twice (a stalled job) is still one run.
 */

export const SCHEDULE_QUEUE = 'weft-schedules';

/** Tick times are croner's, as on a single server: BullMQ's default cron parser reads expressions and DST otherwise. */
export const cronerStrategy: RepeatStrategy = (millis, opts) =>
  opts.pattern === undefined
    ? undefined
    : new Cron(opts.pattern, { timezone: opts.tz ?? 'UTC', paused: true }).nextRun(new Date(millis))?.getTime();

/** BullMQ ids must not contain ':' (it splits job ids on it); node ids are free text. */
const schedulerId = (workflowId: string, nodeId: string): string => `sched.${workflowId}.${encodeURIComponent(nodeId)}`;
const prefixOf = (workflowId: string): string => `sched.${workflowId}.`;

const tickData = z.object({
  workflowId: z.string(),
  versionHash: z.string(),
  nodeId: z.string(),
  timezone: z.string(),
});

export interface BullSchedulesOptions {
  url: string;
  /** Keys start with it (WEFT_REDIS_PREFIX), so clusters can share one Redis. */
  prefix: string;
  fire: (tick: Tick) => Promise<void>;
  /** At start, whether a scheduler that is not in the active list is still wanted (activated meanwhile elsewhere). */
  stillActive: (workflowId: string) => Promise<boolean>;
  logger: Logger;
  /** How many ticks one instance handles at once. */
  concurrency?: number;
}

export class BullSchedules implements Schedules {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connections: Redis[];

  constructor(private readonly options: BullSchedulesOptions) {
    // A worker blocks on its connection: BullMQ requires it to retry forever.
    const producer = new Redis(options.url, { maxRetriesPerRequest: 1 });
    const consumer = new Redis(options.url, { maxRetriesPerRequest: null });
    this.connections = [producer, consumer];
    for (const c of this.connections)
      c.on('error', (error: Error) => options.logger.warn({ err: error.message }, 'schedule queue connection'));
    const settings = { repeatStrategy: cronerStrategy };
    this.queue = new Queue(SCHEDULE_QUEUE, { connection: producer, prefix: options.prefix, settings });
    this.worker = new Worker(SCHEDULE_QUEUE, (job) => this.process(job), {
      connection: consumer,
      prefix: options.prefix,
      settings,
      concurrency: options.concurrency ?? 8,
      // Ticks are news, not records: the executions table keeps what ran.
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    });
    this.queue.on('error', (error) => options.logger.warn({ err: error.message }, 'schedule queue'));
    this.worker.on('error', (error) => options.logger.warn({ err: error.message }, 'schedule worker'));
    this.worker.on('failed', (job, error) =>
      options.logger.error({ job: job?.id, err: error.message }, 'a schedule tick failed'),
    );
  }

  async set(workflowId: string, versionHash: string, specs: readonly ScheduleSpec[]): Promise<void> {
    const wanted = new Set(specs.map((s) => schedulerId(workflowId, s.nodeId)));
    await this.removeAll(workflowId, wanted);
    for (const { nodeId, expression, timezone } of specs) {
      await this.queue.upsertJobScheduler(
        schedulerId(workflowId, nodeId),
        { pattern: expression, tz: timezone },
        { name: 'tick', data: { workflowId, versionHash, nodeId, timezone } },
      );
    }
  }

  async remove(workflowId: string): Promise<void> {
    await this.removeAll(workflowId, new Set());
  }

  /**
   * A scheduler left behind (Redis away) is harmless: its ticks find the
   * workflow inactive or on another version and run nothing, and the next
   * start removes it. So this never fails a deactivation the database made.
   */
  private async removeAll(workflowId: string, keep: ReadonlySet<string>): Promise<void> {
    try {
      for (const id of await this.idsOf(workflowId)) if (!keep.has(id)) await this.queue.removeJobScheduler(id);
    } catch (error) {
      this.options.logger.warn(
        { workflowId, err: error instanceof Error ? error.message : String(error) },
        'removing schedules failed',
      );
    }
  }

  async reconcile(
    active: readonly { workflowId: string; versionHash: string; specs: readonly ScheduleSpec[] }[],
  ): Promise<void> {
    const known = new Set(active.map((a) => a.workflowId));
    for (const { workflowId, versionHash, specs } of active) await this.set(workflowId, versionHash, specs);
    for (const scheduler of await this.queue.getJobSchedulers()) {
      const id = scheduler.key;
      const workflowId = /^sched\.([^.]+)\./.exec(id)?.[1];
      if (workflowId === undefined || known.has(workflowId)) continue;
      if (!(await this.options.stillActive(workflowId))) await this.queue.removeJobScheduler(id);
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  private async idsOf(workflowId: string): Promise<string[]> {
    return (await this.queue.getJobSchedulers())
      .map((s) => s.key)
      .filter((key) => key.startsWith(prefixOf(workflowId)));
  }

  private async process(job: Job): Promise<void> {
    const data = tickData.safeParse(job.data);
    if (!data.success) {
      this.options.logger.warn({ job: job.id }, 'a schedule tick without its data');
      return;
    }
    // The job id ends in the tick's time; prevMillis carries it too.
    const tickMillis = job.opts.prevMillis ?? Number(job.id?.split(':').at(-1));
    if (!Number.isFinite(tickMillis)) return;
    await this.options.fire({ ...data.data, tickMillis });
  }
}
