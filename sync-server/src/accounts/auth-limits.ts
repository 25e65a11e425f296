import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse, RateLimiters, tooManyError, type SharedCounts } from '../http/rate-limiters.ts';

/**
 * Limits on guessing passwords and mass sign-ups: per client address, every
 * log-in and sign-up attempt counts; per account, failed log-ins count (a
 * success clears them). Past a limit the answer is 429 with Retry-After.
 * The counts live where RateLimiters keeps them: in memory alone, in Redis
 * (with memory as insurance) in a cluster.
 */

const WINDOW_SECONDS = 15 * 60;

export class AuthLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;
  private readonly limiters: RateLimiters;

  constructor(options: { perAccount: number; perAddress: number; shared?: SharedCounts }) {
    this.limiters = new RateLimiters(options.shared);
    this.perAddress = this.limiters.limiter('auth:address', options.perAddress, WINDOW_SECONDS);
    this.perAccount = this.limiters.limiter('auth:account', options.perAccount, WINDOW_SECONDS);
  }

  close(): void {
    this.limiters.close();
  }

  /** Counts an attempt from `address`; throws 429 past the limit. */
  async attempt(address: string): Promise<void> {
    await consumeOrRefuse(this.perAddress, address, 'attempts from your address');
  }

  /** Throws 429 while an account has had too many failed log-ins. */
  async checkAccount(email: string): Promise<void> {
    const res = await this.perAccount.get(email);
    if (res && res.consumedPoints >= this.perAccount.points) throw tooManyError(res, 'failed log-ins for this account');
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
