import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { Logger } from '#shared/log.ts';

/** Counts shared by every instance of a cluster (REDIS_URL, WEFT_REDIS_PREFIX). */
export interface SharedCounts {
  redisUrl: string;
  prefix: string;
  logger: Logger;
}

/**
 * Where rate limits count. Alone, in memory. In a cluster, in Redis, so a
 * client spreading requests over the instances behind a balancer gets each
 * limit once, not once per instance; while Redis is away each instance counts
 * in memory instead (rate-limiter-flexible's insurance limiter), so the limits
 * never lapse.
 */
export class RateLimiters {
  private readonly redis: Redis | undefined;

  constructor(private readonly shared?: SharedCounts) {
    if (!shared) return;
    // No offline queue: while Redis is away a count fails at once and the insurance limiter answers.
    // A Redis that stalls while connected answers nothing: past the timeout, memory counts instead.
    const redis = new Redis(shared.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
    redis.on('error', (error: unknown) => shared.logger.debug({ err: error }, 'rate limits: Redis unavailable'));
    this.redis = redis;
  }

  /** `points` per `durationSeconds` per key; `name` keys it in Redis (`<prefix>:<name>`). */
  limiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ points, duration: durationSeconds });
    if (!this.redis || !this.shared) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis,
      points,
      duration: durationSeconds,
      keyPrefix: `${this.shared.prefix}:${name}`,
      insuranceLimiter: memory,
    });
  }

  close(): void {
    this.redis?.disconnect();
  }
}

/** The 429 past a limit, with Retry-After. */
export const tooManyError = (res: RateLimiterRes, what: string): UserError =>
  new UserError(
    ErrorCodes.tooManyRequests,
    `Too many ${what}; try again in ${Math.ceil(res.msBeforeNext / 60_000)} min`,
    {
      retryAfterSeconds: res.msBeforeNext / 1000,
    },
  );

/** Counts one request of `key`; throws the 429 past the limit. */
export const consumeOrRefuse = async (
  limiter: RateLimiterAbstract,
  key: string,
  what: string,
  points = 1,
): Promise<void> => {
  try {
    await limiter.consume(key, points);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw tooManyError(res, what);
    throw res;
  }
};
