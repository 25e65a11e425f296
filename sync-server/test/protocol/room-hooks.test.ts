import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger, type Logger } from '#shared/log.ts';
import { origins } from '#shared/origins.ts';
import {
  addNode,
  deleteNode,
  initWorkflowDoc,
  moveNode,
  setParameter,
  setWorkflowDescription,
  setWorkflowName,
} from '#shared/schema/index.ts';
import { ChangeRecorder } from '../../src/changes/change-recorder.ts';
import { SqliteChangeIndexStore } from '../../src/changes/sqlite-change-index-store.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { SqliteHistoryStore } from '../../src/history/sqlite-history-store.ts';
import { definition } from '../contracts/version-store.contract.ts';
import { EditPolicy } from '../../src/modes/edit-policy.ts';
import { SqliteModeStore } from '../../src/modes/sqlite-mode-store.ts';
import { Member } from '../../src/rooms/room.ts';
import { PEN_TOUCH_INTERVAL_MS, workflowRoomHooks } from '../../src/workflows/room-hooks.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The listing's copy of a workflow's name follows its document after commits
 * (room-hooks.ts). Those writes are bookkeeping: a commit never waits for
 * them, they land in the order the renames were committed however long each
 * takes, and one that fails is logged without stopping the next.
 */

/** The real store; the first rename waits for the test, or fails when told to. */
class FlakyNameStore extends SqliteWorkflowStore {
  renames = 0;
  failFirst = false;
  private gate: Promise<void> | undefined;
  private openGate = (): void => {};

  holdFirst(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate();
  }

  override async setName(id: string, name: string, updatedAt: number): Promise<void> {
    this.renames += 1;
    if (this.renames === 1) {
      if (this.gate) await this.gate;
      if (this.failFirst) throw new Error('disk full');
    }
    return super.setName(id, name, updatedAt);
  }
}

let dir: ReturnType<typeof tempDir>;
let database: OpenedDatabase;
let store: FlakyNameStore;

beforeEach(async () => {
  dir = tempDir();
  database = openDatabase({ file: join(dir.path, 'weft.db') });
  store = new FlakyNameStore(database.db);
  database.sqlite
    .prepare(
      "insert into users (id, email, name, password_hash, created_at) values ('u1', 'a@example.com', 'A', 'x', 1)",
    )
    .run();
  await store.create({ id: 'wf', name: 'First', createdBy: null, createdAt: 1, updatedAt: 1 }, 'u1');
});

afterEach(async () => {
  store.release();
  await database.close();
  dir.remove();
});

/** A loaded workflow document and the hooks that saw it load. */
const loaded = (logger: Logger = silentLogger) => {
  const hooks = workflowRoomHooks({ store, logger, now: () => 1000 });
  const doc = new Y.Doc();
  initWorkflowDoc(doc, { name: 'First' });
  hooks.afterLoad?.('wf', doc);
  const rename = (name: string) => {
    setWorkflowName(doc, name);
    hooks.afterCommit?.('wf', doc, []);
  };
  return { rename };
};

const listedName = async () => (await store.get('wf'))?.name;

describe('the listing follows renames', () => {
  it('in commit order, though the first write is slower than the second', async () => {
    const { rename } = loaded();
    store.holdFirst();
    rename('Second');
    rename('Third');
    await new Promise((r) => setTimeout(r, 50));
    // Neither went out of turn: the second waits for the first.
    expect(await listedName()).toBe('First');
    store.release();
    await expect.poll(listedName, { timeout: 2000 }).toBe('Third');
    expect(store.renames).toBe(2);
  });

  it('logs a write that failed, and the next rename is written', async () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (_obj, msg) => errors.push(msg ?? '') };
    const { rename } = loaded(logger);
    store.failFirst = true;
    rename('Second');
    await expect.poll(() => errors, { timeout: 2000 }).toEqual(['renaming the listed workflow failed']);
    expect(await listedName()).toBe('First');
    rename('Third');
    await expect.poll(listedName, { timeout: 2000 }).toBe('Third');
  });
});

describe('the node types index (docs/plans/home-insights.md §2)', () => {
  it('is filled on load, and rewritten only when a commit changed the set of types', async () => {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'First' });
    addNode(doc, { id: 'a', type: 'httpRequest', position: { x: 0, y: 0 } });
    const hooks = workflowRoomHooks({ store, logger: silentLogger, now: () => 1000 });
    let writes = 0;
    const setNodeTypes = store.catalog.setNodeTypes.bind(store.catalog);
    store.catalog.setNodeTypes = async (id, types) => {
      writes++;
      await setNodeTypes(id, types);
    };
    hooks.afterLoad?.('wf', doc);
    const types = () => store.catalog.nodeTypes('wf');
    await expect.poll(types, { timeout: 2000 }).toEqual(['httpRequest']);
    addNode(doc, { id: 'b', type: 'httpRequest', position: { x: 1, y: 0 } });
    hooks.afterCommit?.('wf', doc, []);
    addNode(doc, { id: 'c', type: 'set', position: { x: 2, y: 0 } });
    hooks.afterCommit?.('wf', doc, []);
    await expect.poll(types, { timeout: 2000 }).toEqual(['httpRequest', 'set']);
    deleteNode(doc, 'c');
    hooks.afterCommit?.('wf', doc, []);
    await expect.poll(types, { timeout: 2000 }).toEqual(['httpRequest']);
    // The load's backfill, the set added, the set removed: a node of a type already there wrote nothing.
    expect(writes).toBe(3);
    // Loading again finds the table equal and writes nothing.
    workflowRoomHooks({ store, logger: silentLogger }).afterLoad?.('wf', doc);
    await new Promise((r) => setTimeout(r, 50));
    expect(writes).toBe(3);
  });
});

describe('the editing session follows authored commits (docs/plans/collaboration.md §7.1)', () => {
  const sessionHooks = () => {
    for (const [id, email] of [
      ['u2', 'b@example.com'],
      ['u3', 'c@example.com'],
    ]) {
      database.sqlite
        .prepare("insert into users (id, email, name, password_hash, created_at) values (?, ?, ?, 'x', 1)")
        .run(id, email, id);
    }
    const history = new SqliteHistoryStore(database.db);
    let time = 1000;
    const hooks = workflowRoomHooks({ store, history, logger: silentLogger, now: () => time, touchIntervalMs: 40 });
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'First' });
    hooks.afterLoad?.('wf', doc);
    const commit = (at: number, authors: string[]) => {
      time = at;
      hooks.afterCommit?.('wf', doc, authors);
    };
    const authorsOfCut = async (lastEditAt: number) => {
      const hash = await new SqliteVersionStore(database.db).save('wf', new Uint8Array(), definition('x'), null, 1);
      const entry = await history.cutSession('wf', lastEditAt, {
        id: `e${lastEditAt}`,
        versionHash: hash,
        kind: 'named',
        createdAt: lastEditAt,
        createdBy: null,
      });
      return entry?.authors;
    };
    return { history, doc, commit, authorsOfCut };
  };

  it('touches at once, then once more after the interval with everyone who committed meanwhile', async () => {
    const { history, commit, authorsOfCut } = sessionHooks();
    commit(1000, ['u1']);
    await expect.poll(() => history.session('wf')).toMatchObject({ lastEditAt: 1000 });
    commit(1010, ['u2']);
    commit(1020, ['u3', 'u2']);
    // Commits without an author (repairs, migrations) do not make a session.
    commit(1030, []);
    expect(await history.session('wf')).toMatchObject({ lastEditAt: 1000 });
    await expect.poll(() => history.session('wf'), { timeout: 2000 }).toMatchObject({ lastEditAt: 1020 });
    expect(await authorsOfCut(1020)).toEqual(['u1', 'u2', 'u3']);
  });

  it('writes what is pending when the room unloads', async () => {
    const { history, doc, commit, authorsOfCut } = sessionHooks();
    commit(1000, ['u1']);
    await expect.poll(() => history.session('wf')).toBeDefined();
    commit(1005, ['u2']);
    doc.destroy();
    await expect.poll(() => history.session('wf')).toMatchObject({ lastEditAt: 1005 });
    expect(await authorsOfCut(1005)).toEqual(['u1', 'u2']);
  });
});

describe('the pen holder’s activity', () => {
  it('a commit of the holder’s edits is recorded, at most once per interval; others’ edits are not activity', async () => {
    database.sqlite
      .prepare(
        "insert into users (id, email, name, password_hash, created_at) values ('u2', 'b@example.com', 'B', 'x', 1)",
      )
      .run();
    const modes = new SqliteModeStore(database.db);
    const policy = new EditPolicy({ store: modes });
    await modes.setMode('wf', { mode: 'pen', reason: null, by: 'u1', at: 0, penIdleMs: null });
    await policy.ensure('wf');
    let time = 1000;
    const hooks = workflowRoomHooks({ store, logger: silentLogger, now: () => time, policy, modes });
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'First' });
    hooks.afterLoad?.('wf', doc);
    const conn = { send: () => undefined, close: () => undefined };
    const holder = new Member(conn, { userId: 'u1', role: 'owner' });
    const editor = new Member(conn, { userId: 'u2', role: 'editor' });
    const commit = (by: Member) => {
      const transactions: Y.Transaction[] = [];
      const collect = (tr: Y.Transaction) => transactions.push(tr);
      doc.on('afterTransaction', collect);
      doc.transact(() => doc.getMap('scratch').set('k', time), by);
      doc.off('afterTransaction', collect);
      hooks.afterClientUpdate?.(doc, transactions);
      hooks.afterCommit?.('wf', doc, []);
    };
    const activeAt = async () => (await modes.get('wf')).pen?.activeAt;
    commit(editor);
    await new Promise((r) => setTimeout(r, 50));
    expect(await activeAt()).toBe(0);
    commit(holder);
    await expect.poll(activeAt, { timeout: 2000 }).toBe(1000);
    time = 1000 + PEN_TOUCH_INTERVAL_MS - 1;
    commit(holder);
    await new Promise((r) => setTimeout(r, 50));
    expect(await activeAt()).toBe(1000);
    time = 1000 + PEN_TOUCH_INTERVAL_MS;
    commit(holder);
    await expect.poll(activeAt, { timeout: 2000 }).toBe(time);
  });
});

describe('who changed this (SPEC CHG1)', () => {
  it('attributes members’ and server-as-someone edits once committed, and nobody’s repairs or remote commits', async () => {
    database.sqlite
      .prepare(
        "insert into users (id, email, name, password_hash, created_at) values ('u2', 'b@example.com', 'B', 'x', 1)",
      )
      .run();
    const index = new SqliteChangeIndexStore(database.db);
    let time = 1000;
    const changes = new ChangeRecorder({ store: index, logger: silentLogger, now: () => time, flushMs: 0 });
    const hooks = workflowRoomHooks({ store, logger: silentLogger, now: () => time, changes });
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'First' });
    addNode(doc, { id: 'a', type: 'httpRequest', position: { x: 0, y: 0 } });
    hooks.afterLoad?.('wf', doc);
    const member = new Member({ send: () => undefined, close: () => undefined }, { userId: 'u2', role: 'editor' });

    // The room applies a member's update with the member as the transaction's origin.
    doc.transact(() => moveNode(doc, 'a', { x: 1, y: 1 }), member);
    await new Promise((r) => setTimeout(r, 30));
    // Applied but not yet in the update log: not a change yet.
    expect(await index.recent('wf', 'node:a', 10)).toEqual([]);
    hooks.sealBatch?.('wf');
    hooks.afterCommit?.('wf', doc, ['u2']);
    await expect.poll(() => index.recent('wf', 'node:a', 10)).toEqual([{ userId: 'u2', lastAt: 1000, count: 1 }]);

    time = 2000;
    setParameter(doc, 'a', 'url', 'https://example.com', origins.server('u1'));
    setParameter(doc, 'a', 'url', 'https://example.com/repaired', origins.repair);
    setParameter(doc, 'a', 'url', 'https://example.com/remote', origins.remote);
    hooks.sealBatch?.('wf');
    hooks.afterCommit?.('wf', doc, ['u1']);
    await expect
      .poll(() => index.recent('wf', 'node:a:param:url', 10))
      .toEqual([{ userId: 'u1', lastAt: 2000, count: 1 }]);
    expect(await index.recent('wf', 'node:a', 10)).toEqual([{ userId: 'u2', lastAt: 1000, count: 1 }]);
  });

  it('audits a rename typed in the editor as the member whose transaction changed the name, from the name before it', () => {
    const renames: string[] = [];
    const hooks = workflowRoomHooks({
      store,
      logger: silentLogger,
      renamed: (_id, userId, from, to) => renames.push(`${userId}: ${from} → ${to}`),
    });
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'First' });
    hooks.afterLoad?.('wf', doc);
    const as = (userId: string) =>
      new Member({ send: () => undefined, close: () => undefined }, { userId, role: 'editor' });
    const ann = as('ann');
    const ben = as('ben');
    const commit = () => {
      hooks.sealBatch?.('wf');
      hooks.afterCommit?.('wf', doc, []);
    };

    // Ann renames twice and Ben edits the description, all in one batch: one rename, Ann's.
    doc.transact(() => setWorkflowName(doc, 'Second'), ann);
    doc.transact(() => setWorkflowName(doc, 'Third'), ann);
    doc.transact(() => setWorkflowDescription(doc, 'Takes orders'), ben);
    commit();
    expect(renames).toEqual(['ann: First → Third']);

    // Another instance (or a REST change) renames; then Ben edits the description: nobody renamed here.
    doc.transact(() => setWorkflowName(doc, 'Fourth'), origins.remote);
    doc.transact(() => setWorkflowDescription(doc, 'Takes refunds'), ben);
    commit();
    expect(renames).toEqual(['ann: First → Third']);

    // Ben renames while the batch before his is being written: his rename goes with his own batch.
    hooks.sealBatch?.('wf');
    doc.transact(() => setWorkflowName(doc, 'Fifth'), ben);
    hooks.afterCommit?.('wf', doc, []);
    expect(renames).toEqual(['ann: First → Third']);
    commit();
    expect(renames).toEqual(['ann: First → Third', 'ben: Fourth → Fifth']);
  });
});
