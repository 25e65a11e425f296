import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrRefuse, RateLimiters, type SharedCounts } from '../http/rate-limiters.ts';

/**
 * Per client address, every request to a link by its token (looking at it,
 * joining through it) counts: tokens cannot be guessed, but nobody should be
 * able to make the server hash and look up tokens without end. Past the limit
 * the answer is 429 with Retry-After.
 */

const WINDOW_SECONDS = 15 * 60;

/** Requests per address per 15 minutes: a class behind one address opening one link fits. */
export const LINK_LIMIT_PER_ADDRESS = 300;

export class LinkLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly limiters: RateLimiters;

  constructor(options: { perAddress?: number; shared?: SharedCounts } = {}) {
    this.limiters = new RateLimiters(options.shared);
    this.perAddress = this.limiters.limiter(
      'links:address',
      options.perAddress ?? LINK_LIMIT_PER_ADDRESS,
      WINDOW_SECONDS,
    );
  }

  close(): void {
    this.limiters.close();
  }

  /** Counts a request from `address`; throws 429 past the limit. */
  async attempt(address: string): Promise<void> {
    await consumeOrRefuse(this.perAddress, address, 'link requests from your address');
  }
}
