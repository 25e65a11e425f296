import { describe, expect, it } from 'vitest';
import type { AuditStore, NewAuditEvent } from '../../src/audit/audit-store.ts';

export interface AuditStoreSetup {
  store: AuditStore;
  /** A statement run behind the store's back, as a person with the database would. */
  raw: (text: string) => Promise<void>;
  dialect: 'sqlite' | 'postgres';
  teardown: () => Promise<void>;
}

/** The AuditStore contract (src/audit/audit-store.ts): every backend runs all of it. */
export const runAuditStoreContract = (name: string, setup: () => Promise<AuditStoreSetup>): void => {
  const withStore = (fn: (s: AuditStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await fn(s);
    } finally {
      await s.teardown();
    }
  };
  const event = (over: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
    at: 1000,
    action: 'member.invited',
    actor: { id: 'ann', name: 'Ann', via: 'session', sessionRef: 's1', address: '10.0.0.1' },
    workflowId: 'wf',
    workflowName: 'Orders',
    target: { type: 'user', id: 'ben' },
    data: { role: 'editor' },
    ...over,
  });

  describe(`AuditStore contract: ${name}`, () => {
    it(
      'keeps every field and answers newest first',
      withStore(async ({ store }) => {
        expect(await store.append([event(), event({ action: 'link.created', target: null, data: {} })])).toBe(2);
        const [newest, oldest] = await store.list({ limit: 10 });
        expect(newest).toMatchObject({ action: 'link.created', target: null, data: {} });
        expect(oldest).toEqual({
          seq: expect.any(Number) as number,
          at: 1000,
          action: 'member.invited',
          actor: { id: 'ann', name: 'Ann', via: 'session', sessionRef: 's1', address: '10.0.0.1' },
          workflowId: 'wf',
          workflowName: 'Orders',
          target: { type: 'user', id: 'ben' },
          data: { role: 'editor' },
        });
        expect(newest?.seq).toBeGreaterThan(oldest?.seq ?? Infinity);
      }),
    );

    it(
      'records an event with a dedupe key once',
      withStore(async ({ store }) => {
        expect(await store.append([event({ dedupeKey: 'k' }), event({ dedupeKey: 'k' }), event()])).toBe(2);
        expect(await store.append([event({ dedupeKey: 'k' })])).toBe(0);
        expect(await store.list({ limit: 10 })).toHaveLength(2);
      }),
    );

    it(
      'AUD1: refuses a raw UPDATE',
      withStore(async ({ store, raw }) => {
        await store.append([event()]);
        await expect(raw(`update audit_events set action = 'nothing.happened'`)).rejects.toThrow(/append-only/);
        expect((await store.list({ limit: 1 }))[0]?.action).toBe('member.invited');
      }),
    );

    it(
      'AUD1: refuses a raw DELETE on PostgreSQL outside the prune; prune deletes',
      withStore(async ({ store, raw, dialect }) => {
        await store.append([event({ at: 1 }), event({ at: 2 })]);
        if (dialect === 'postgres') {
          await expect(raw(`delete from audit_events`)).rejects.toThrow(/append-only/);
          await expect(raw(`truncate audit_events`)).rejects.toThrow(/append-only/);
          // The prune's permission ends with its transaction.
          await store.prune(2, 10);
          await expect(raw(`delete from audit_events`)).rejects.toThrow(/append-only/);
          expect(await store.list({ limit: 10 })).toHaveLength(1);
        } else {
          expect(await store.prune(2, 10)).toBe(1);
        }
      }),
    );

    it(
      'keeps its cursor stable while others append',
      withStore(async ({ store }) => {
        for (let i = 0; i < 5; i++) await store.append([event({ at: i, data: { i } })]);
        const first = await store.list({ limit: 2 });
        expect(first.map((e) => e.data['i'])).toEqual([4, 3]);
        await store.append([event({ at: 9, data: { i: 9 } }), event({ at: 10, data: { i: 10 } })]);
        const second = await store.list({ limit: 2, before: first.at(-1)?.seq ?? 0 });
        expect(second.map((e) => e.data['i'])).toEqual([2, 1]);
        const third = await store.list({ limit: 2, before: second.at(-1)?.seq ?? 0 });
        expect(third.map((e) => e.data['i'])).toEqual([0]);
      }),
    );

    it(
      'filters by workflow, action prefix, actor and time',
      withStore(async ({ store }) => {
        await store.append([
          event({ at: 10, action: 'member.invited' }),
          event({ at: 20, action: 'member.removed', workflowId: 'other' }),
          event({ at: 30, action: 'link.created' }),
          event({ at: 40, action: 'memberXinvited' }),
          event({
            at: 50,
            action: 'mode.changed',
            actor: { id: 'ben', name: 'Ben', via: 'token', sessionRef: 'token:t', address: null },
          }),
          event({ at: 60, action: 'user.disabled', workflowId: null, workflowName: null }),
        ]);
        const actions = async (q: Parameters<AuditStore['list']>[0]) => (await store.list(q)).map((e) => e.action);
        expect(await actions({ limit: 10, workflowId: 'wf' })).toEqual([
          'mode.changed',
          'memberXinvited',
          'link.created',
          'member.invited',
        ]);
        // `.` and `_` are not wildcards.
        expect(await actions({ limit: 10, actionPrefixes: ['member.'] })).toEqual(['member.removed', 'member.invited']);
        expect(await actions({ limit: 10, actionPrefixes: ['member_'] })).toEqual([]);
        expect(await actions({ limit: 10, actionPrefixes: ['link.created'] })).toEqual(['link.created']);
        expect(await actions({ limit: 10, actionPrefixes: ['link.', 'mode.'] })).toEqual([
          'mode.changed',
          'link.created',
        ]);
        expect(await actions({ limit: 10, actorId: 'ben' })).toEqual(['mode.changed']);
        expect(await actions({ limit: 10, since: 20, until: 40 })).toEqual([
          'memberXinvited',
          'link.created',
          'member.removed',
        ]);
        expect(await actions({ limit: 2 })).toEqual(['user.disabled', 'mode.changed']);
      }),
    );

    it(
      'prunes only events older than the bound, oldest first, at most the limit',
      withStore(async ({ store }) => {
        await store.append([1, 2, 3, 4, 5].map((at) => event({ at })));
        expect(await store.prune(4, 2)).toBe(2);
        expect((await store.list({ limit: 10 })).map((e) => e.at)).toEqual([5, 4, 3]);
        expect(await store.prune(4, 10)).toBe(1);
        expect(await store.prune(4, 10)).toBe(0);
        expect((await store.list({ limit: 10 })).map((e) => e.at)).toEqual([5, 4]);
      }),
    );
  });
};
