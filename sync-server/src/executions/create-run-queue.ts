import type { Logger } from '#shared/log.ts';
import { BullRunQueue, type BullRunQueueTimings } from './bull-run-queue.ts';
import type { EngineHub } from './engine-hub.ts';
import type { ExecutionStore } from './execution-store.ts';
import type { LiveStatus } from './live-status.ts';
import { LocalRunQueue, type RunQueue } from './run-queue.ts';

/**
 * The run queue for this configuration: BullMQ with REDIS_URL (runs taken by
 * engines on any instance), the hub's in-process queue otherwise.
 */
export const createRunQueue = (options: {
  hub: EngineHub;
  executions: ExecutionStore;
  live: LiveStatus;
  logger: Logger;
  instanceId: string;
  redisUrl?: string | undefined;
  /** "weft" unless WEFT_REDIS_PREFIX says otherwise. */
  redisPrefix?: string | undefined;
  maxRunningPerWorkflow: number;
  timings?: Partial<BullRunQueueTimings>;
}): RunQueue => {
  if (options.redisUrl === undefined) return new LocalRunQueue(options.hub);
  return new BullRunQueue({
    redisUrl: options.redisUrl,
    prefix: options.redisPrefix ?? 'weft',
    instanceId: options.instanceId,
    hub: options.hub,
    executions: options.executions,
    live: options.live,
    logger: options.logger,
    maxRunningPerWorkflow: options.maxRunningPerWorkflow,
    ...(options.timings ? { timings: options.timings } : {}),
  });
};
