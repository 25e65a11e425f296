import type { Redis } from 'ioredis';
import type { Logger } from '#shared/log.ts';

/**
 * A Redis that evicts keys under memory pressure can drop BullMQ's jobs,
 * locks and schedulers: queued runs would wait until the reconciler adds
 * them again, and a schedule could stop firing. BullMQ only prints to the
 * console; this says it in the server's log, once at start, with what to
 * do. A managed Redis may refuse CONFIG: then there is nothing to check.
 * Resolves with the policy found, if any (tests).
 */
export const warnIfRedisEvicts = async (redis: Redis, logger: Logger): Promise<string | undefined> => {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    policy = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch (error) {
    logger.debug({ err: error }, 'could not read Redis maxmemory-policy');
    return undefined;
  }
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: policy },
      `Redis may evict keys (maxmemory-policy ${policy}): set it to noeviction, or queued runs and schedules can be lost from the queue`,
    );
  }
  return policy;
};
