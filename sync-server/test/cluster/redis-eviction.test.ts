import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Logger } from '#shared/log.ts';
import { warnIfRedisEvicts } from '../../src/cluster/redis-eviction.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';

/** The start-up check of docs/plans/scale-out.md §6.8, on a real redis-server whose policy the test sets. */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const recording = () => {
  const warnings: { obj: object; msg: string | undefined }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (obj, msg) => warnings.push({ obj, msg }),
    error: () => {},
    child: () => logger,
  };
  return { logger, warnings };
};

it('says nothing for noeviction, and warns with the policy and what to do for one that evicts', async () => {
  const client = new Redis(redis.url);
  try {
    const quiet = recording();
    expect(await warnIfRedisEvicts(client, quiet.logger)).toBe('noeviction');
    expect(quiet.warnings).toEqual([]);

    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const loud = recording();
    expect(await warnIfRedisEvicts(client, loud.logger)).toBe('allkeys-lru');
    expect(loud.warnings).toHaveLength(1);
    expect(loud.warnings[0]?.obj).toEqual({ maxmemoryPolicy: 'allkeys-lru' });
    expect(loud.warnings[0]?.msg).toMatch(/set it to noeviction/);
  } finally {
    await client.config('SET', 'maxmemory-policy', 'noeviction').catch(() => undefined);
    client.disconnect();
  }
});

it('a Redis that refuses CONFIG (a managed one) is not an error', async () => {
  const client = new Redis(redis.url);
  try {
    await client.call('ACL', 'SETUSER', 'limited', 'on', '>secret-pass', '~*', '&*', '+@all', '-config');
    const limited = new Redis(redis.url, { username: 'limited', password: 'secret-pass' });
    try {
      const log = recording();
      expect(await warnIfRedisEvicts(limited, log.logger)).toBeUndefined();
      expect(log.warnings).toEqual([]);
    } finally {
      limited.disconnect();
    }
  } finally {
    client.disconnect();
  }
});
