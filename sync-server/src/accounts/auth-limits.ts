import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { Logger } from '#shared/log.ts';

/**
 * Limits on guessing passwords and mass sign-ups: per client address, every
 * log-in and sign-up attempt counts; per account, failed log-ins count (a
 * success clears them). Past a limit the answer is 429 with Retry-After.
 * Alone, the counts live in memory. In a cluster they live in Redis, so an
 * attacker spreading guesses over the instances behind a balancer gets the
 * limit once, not once per instance; while Redis is away each instance
 * counts in memory instead (rate-limiter-flexible's insurance limiter), so
 * the limits never lapse.
 */

const WINDOW_SECONDS = 15 * 60;

const tooMany = (res: RateLimiterRes, what: string): UserError =>
  new UserError(
    ErrorCodes.tooManyRequests,
    `Too many ${what}; try again in ${Math.ceil(res.msBeforeNext / 60_000)} min`,
    {
      retryAfterSeconds: res.msBeforeNext / 1000,
    },
  );

export class AuthLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;
  private readonly redis: Redis | undefined;

  constructor(options: {
    perAccount: number;
    perAddress: number;
    /** Counts shared by every instance of a cluster (REDIS_URL, WEFT_REDIS_PREFIX). */
    shared?: { redisUrl: string; prefix: string; logger: Logger };
  }) {
    const { shared } = options;
    const memory = (points: number) => new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
    if (!shared) {
      this.perAddress = memory(options.perAddress);
      this.perAccount = memory(options.perAccount);
      return;
    }
    // No offline queue: while Redis is away a count fails at once and the insurance limiter answers.
    // A Redis that stalls while connected answers nothing: past the timeout, memory counts instead.
    const redis = new Redis(shared.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
    redis.on('error', (error: unknown) => shared.logger.debug({ err: error }, 'auth limits: Redis unavailable'));
    this.redis = redis;
    const inRedis = (points: number, name: string) =>
      new RateLimiterRedis({
        storeClient: redis,
        points,
        duration: WINDOW_SECONDS,
        keyPrefix: `${shared.prefix}:auth:${name}`,
        insuranceLimiter: memory(points),
      });
    this.perAddress = inRedis(options.perAddress, 'address');
    this.perAccount = inRedis(options.perAccount, 'account');
  }

  close(): void {
    this.redis?.disconnect();
  }

  /** Counts an attempt from `address`; throws 429 past the limit. */
  async attempt(address: string): Promise<void> {
    try {
      await this.perAddress.consume(address);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw tooMany(res, 'attempts from your address');
      throw res;
    }
  }

  /** Throws 429 while an account has had too many failed log-ins. */
  async checkAccount(email: string): Promise<void> {
    const res = await this.perAccount.get(email);
    if (res && res.consumedPoints >= this.perAccount.points) throw tooMany(res, 'failed log-ins for this account');
  }

  async failed(email: string): Promise<void> {
    try {
      await this.perAccount.consume(email);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
    }
  }

  async succeeded(email: string): Promise<void> {
    await this.perAccount.delete(email);
  }
}
