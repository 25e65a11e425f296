import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCodes, UserError } from '#shared/errors.ts';

/**
 * Limits on guessing passwords and mass sign-ups: per client address, every
 * log-in and sign-up attempt counts; per account, failed log-ins count (a
 * success clears them). Past a limit the answer is 429 with Retry-After.
 * In memory: one instance's view; the same limiters run on Redis when
 * instances share state (rate-limiter-flexible has both).
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
  private readonly perAddress: RateLimiterMemory;
  private readonly perAccount: RateLimiterMemory;

  constructor(options: { perAccount: number; perAddress: number }) {
    this.perAddress = new RateLimiterMemory({ points: options.perAddress, duration: WINDOW_SECONDS });
    this.perAccount = new RateLimiterMemory({ points: options.perAccount, duration: WINDOW_SECONDS });
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
