import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { AuthLimits } from '../../src/accounts/auth-limits.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';

/**
 * The cluster's log-in limits when Redis misbehaves: gone (refused at once)
 * or stalled while still connected (a frozen process, a half-open socket).
 * Either way a log-in answers within a second and the limits still hold,
 * counted in this instance's memory.
 */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

it('a stalled Redis neither hangs log-ins nor lifts the limit', async () => {
  const prefix = `stall${Date.now()}`;
  const limits = new AuthLimits({
    perAccount: 3,
    perAddress: 100,
    shared: { redisUrl: redis.url, prefix, logger: silentLogger },
  });
  const look = new Redis(redis.url);
  try {
    // Until the limits' own connection is up and counting in Redis (before, memory answers at once).
    for (const until = Date.now() + 5_000; (await look.keys(`${prefix}:*`)).length === 0;) {
      if (Date.now() > until) throw new Error('the limits never counted in Redis');
      await limits.failed('probe@example.com');
      await new Promise((r) => setTimeout(r, 20));
    }
    look.disconnect();
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        await limits.attempt('10.0.0.1');
        await limits.checkAccount('ann@example.com');
        await limits.failed('ann@example.com');
      }
      await expect(limits.checkAccount('ann@example.com')).rejects.toMatchObject({ code: 'too_many_requests' });
      // Ten calls, each at most one command timeout (500 ms) before memory answers.
      expect(Date.now() - started).toBeLessThan(10 * 1_000);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
  } finally {
    look.disconnect();
    limits.close();
  }
});
