import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFixture } from '../../test/contracts/sqlite-fixture.ts';
import { EditPolicy } from './edit-policy.ts';
import { SqliteModeStore } from './sqlite-mode-store.ts';

/** Who may write under each mode, and what the policy does before it knows one (docs/plans/collaboration.md §5.2). */

let f: ReturnType<typeof sqliteFixture>;
let store: SqliteModeStore;
let policy: EditPolicy;

beforeEach(async () => {
  f = sqliteFixture();
  await f.seedUser('ann');
  await f.seedUser('ben');
  await f.seedWorkflow('w1');
  await f.seedMember('w1', 'ann', 'owner');
  await f.seedMember('w1', 'ben', 'editor');
  store = new SqliteModeStore(f.database.db);
  policy = new EditPolicy({ store });
});

afterEach(async () => {
  await f.teardown();
});

const set = (mode: 'parallel' | 'locked' | 'pen', by = 'ann') =>
  store.setMode('w1', { mode, reason: null, by, at: 1, penIdleMs: null });

describe('EditPolicy.mayWrite', () => {
  it('denies until the mode is known, and starts reading it', async () => {
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(false);
    await expect.poll(() => policy.mayWrite('w1', 'ben', 'editor')).toBe(true);
  });

  it('parallel: editors and owners; never commenters or viewers', async () => {
    await policy.ensure('w1');
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(true);
    expect(policy.mayWrite('w1', 'ann', 'owner')).toBe(true);
    expect(policy.mayWrite('w1', 'cat', 'commenter')).toBe(false);
    expect(policy.mayWrite('w1', 'dan', 'viewer')).toBe(false);
  });

  it('locked: owners only', async () => {
    policy.apply(await set('locked'));
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(false);
    expect(policy.mayWrite('w1', 'ann', 'owner')).toBe(true);
  });

  it('pen: its holder only, owners included', async () => {
    policy.apply(await set('pen', 'ben'));
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(true);
    expect(policy.mayWrite('w1', 'ann', 'owner')).toBe(false);
    const released = await store.releasePen('w1', { userId: 'ben', asOwner: false });
    policy.apply(released.state);
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(false);
  });

  it('keeps the newest version and shows each newer one once', async () => {
    const shown: string[] = [];
    policy.track({ peek: () => undefined, watch: () => () => undefined }, (state) =>
      shown.push(`${state.mode}@${state.version}`),
    );
    const locked = await set('locked');
    const parallel = await set('parallel');
    expect(policy.apply(parallel)).toBe(true);
    expect(policy.apply(locked)).toBe(false);
    expect(policy.apply(parallel)).toBe(false);
    expect(shown).toEqual(['parallel@2']);
  });
});
