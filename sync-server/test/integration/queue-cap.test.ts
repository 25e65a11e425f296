import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { silentLogger } from '#shared/log.ts';
import { SqliteCredentialStore } from '../../src/credentials/sqlite-credential-store.ts';
import { openDatabase } from '../../src/db/open.ts';
import { workflows } from '../../src/db/schema.ts';
import { EngineHub } from '../../src/executions/engine-hub.ts';
import { ExecutionService } from '../../src/executions/execution-service.ts';
import { LocalRunQueue } from '../../src/executions/run-queue.ts';
import type { NewExecution, Queued } from '../../src/executions/execution-store.ts';
import { LiveStatus } from '../../src/executions/live-status.ts';
import { SqliteExecutionStore } from '../../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The per-workflow queue cap while runs are being stored: a store that takes
 * its time (a remote database) must not let callers who arrive together all
 * pass the check. The real SQLite store, held at a gate.
 */

/** The real store; createQueued waits until the test opens the gate. */
class GatedExecutionStore extends SqliteExecutionStore {
  private release = (): void => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  calls = 0;

  open(): void {
    this.release();
  }

  override async createQueued(row: NewExecution): Promise<Queued> {
    this.calls++;
    await this.gate;
    return super.createQueued(row);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('callers that arrive while earlier runs are still being stored are refused past the cap, and none is lost', async () => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  cleanups.push(() => database.close());
  const { db } = database;
  db.insert(workflows).values({ id: 'wf1', name: 'Busy', createdAt: 1, updatedAt: 1 }).run();
  const versions = new SqliteVersionStore(db);
  const hash = await versions.save(
    'wf1',
    new Uint8Array(),
    { weft: 1, name: 'Busy', settings: {}, nodes: [], edges: [] },
    null,
    1,
  );
  const executions = new GatedExecutionStore(db);
  const rooms = new RoomManager({
    store: new SqliteDocStore(db),
    logger: silentLogger,
    unloadDelayMs: 0,
    compactEvery: 100,
  });
  cleanups.push(() => rooms.shutdown());
  const live = new LiveStatus(rooms);
  const hub = new EngineHub({
    token: 'x',
    executions,
    versions,
    workflows: new SqliteWorkflowStore(db),
    credentials: new SqliteCredentialStore(db, randomBytes(32)),
    live,
    logger: silentLogger,
  });
  await hub.start();
  cleanups.push(() => hub.close());
  const service = new ExecutionService({
    rooms,
    versions,
    executions,
    queue: new LocalRunQueue(hub),
    live,
    maxQueuedPerWorkflow: 3,
  });

  const answers = Promise.allSettled(
    Array.from({ length: 8 }, () => service.run('wf1', null, { mode: 'webhook', versionHash: hash })),
  );
  // Everyone has been checked by now; three are waiting on the store.
  await new Promise((r) => setTimeout(r, 50));
  expect(executions.calls).toBe(3);
  executions.open();
  const settled = await answers;
  const stored = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  expect(stored).toHaveLength(3);
  expect(refused).toHaveLength(5);
  for (const error of refused) expect(error).toMatchObject({ code: ErrorCodes.tooManyRequests });
  expect(refused[0]).toBeInstanceOf(UserError);
  expect(stored.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  expect(hub.queuedCount('wf1')).toBe(3);
  expect((await executions.queued()).map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
});
