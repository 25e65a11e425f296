import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { AuditRetention } from '../src/audit/audit-retention.ts';
import { createAuditLog, SYSTEM_ACTOR } from '../src/audit/audit-log.ts';
import { SqliteAuditStore } from '../src/audit/sqlite-audit-store.ts';
import type { AuditStore } from '../src/audit/audit-store.ts';
import { sqliteFixture } from './contracts/sqlite-fixture.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1000 * DAY;
let fixture: ReturnType<typeof sqliteFixture> | undefined;

const storeWith = async (ages: number[]) => {
  fixture = sqliteFixture();
  const store = new SqliteAuditStore(fixture.database.db);
  await store.append(ages.map((days) => ({ at: NOW - days * DAY, action: 'x.y', actor: SYSTEM_ACTOR })));
  return store;
};

afterEach(async () => {
  await fixture?.teardown();
  fixture = undefined;
});

describe('AuditRetention (WEFT_AUDIT_RETENTION_DAYS)', () => {
  it('deletes events older than the retention and keeps the rest', async () => {
    const store = await storeWith([400, 366, 364, 1]);
    const retention = new AuditRetention(store, 365, silentLogger, () => NOW);
    expect(await retention.tick()).toBe(2);
    retention.close();
    expect((await store.list({ limit: 10 })).map((e) => (NOW - e.at) / DAY)).toEqual([1, 364]);
  });

  it('keeps everything with 0 days', async () => {
    const store = await storeWith([5000, 400]);
    const retention = new AuditRetention(store, 0, silentLogger, () => NOW);
    expect(await retention.tick()).toBe(0);
    retention.close();
    expect(await store.list({ limit: 10 })).toHaveLength(2);
  });
});

describe('AuditLog', () => {
  it('never rejects into the caller when the store fails, and logs it', async () => {
    const errors: unknown[] = [];
    const failing: AuditStore = {
      append: () => Promise.reject(new Error('disk full')),
      list: () => Promise.resolve([]),
      prune: () => Promise.resolve(0),
    };
    const log = createAuditLog({
      store: failing,
      logger: { ...silentLogger, error: (obj) => errors.push(obj) },
      workflowName: () => Promise.resolve('Orders'),
    });
    await expect(log.record(SYSTEM_ACTOR, { action: 'pen.released', workflowId: 'wf' })).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('copies the workflow name in when the caller does not give it', async () => {
    const store = await storeWith([]);
    const log = createAuditLog({ store, logger: silentLogger, workflowName: () => Promise.resolve('Orders') });
    await log.record(SYSTEM_ACTOR, [
      { action: 'a.b', workflowId: 'wf' },
      { action: 'a.c', workflowId: 'wf', workflowName: 'Kept' },
    ]);
    expect((await store.list({ limit: 10 })).map((e) => e.workflowName)).toEqual(['Kept', 'Orders']);
  });
});
