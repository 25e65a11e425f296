import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { SqliteCredentialStore } from '../../src/credentials/sqlite-credential-store.ts';
import { openDatabase } from '../../src/db/open.ts';
import { executions as executionsTable, workflows } from '../../src/db/schema.ts';
import type { Db } from '../../src/db/open.ts';
import { eq } from 'drizzle-orm';
import { EngineHub } from '../../src/executions/engine-hub.ts';
import { ExecutionService } from '../../src/executions/execution-service.ts';
import { LocalRunQueue } from '../../src/executions/run-queue.ts';
import { LiveStatus } from '../../src/executions/live-status.ts';
import { SqliteExecutionStore } from '../../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import type { WorkflowVersion } from '../../src/executions/version-store.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { waitUntil } from '../helpers/engine-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * While a job is being built (its version and credentials read from a store
 * that takes its time), its engine slot is already taken, and a stop asked
 * for meanwhile wins: the job is never sent. The real SQLite stores, the
 * version reads held at a gate, an engine over a real /engine socket.
 */

/** The real store; get waits until the test opens the gate. */
class GatedVersionStore extends SqliteVersionStore {
  private release = (): void => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  calls = 0;

  open(): void {
    this.release();
  }

  override async get(hash: string): Promise<WorkflowVersion | undefined> {
    this.calls++;
    await this.gate;
    return super.get(hash);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real SQLite stores (`makeStores` may gate some), a hub, and one raw engine with one slot. */
const world = async <V extends SqliteVersionStore, E extends SqliteExecutionStore>(
  makeStores: (db: Db) => { versions: V; executions: E },
) => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  cleanups.push(() => database.close());
  const { db } = database;
  db.insert(workflows).values({ id: 'wf1', name: 'Slow', createdAt: 1, updatedAt: 1 }).run();
  const { versions, executions } = makeStores(db);
  const hash = await versions.save(
    'wf1',
    new Uint8Array(),
    { weft: 1, name: 'Slow', settings: {}, nodes: [], edges: [] },
    null,
    1,
  );
  const rooms = new RoomManager({
    store: new SqliteDocStore(db),
    logger: silentLogger,
    unloadDelayMs: 0,
    compactEvery: 100,
  });
  cleanups.push(() => rooms.shutdown());
  const live = new LiveStatus(rooms);
  const hub = new EngineHub({
    token: 'engine-token',
    executions,
    versions,
    workflows: new SqliteWorkflowStore(db),
    credentials: new SqliteCredentialStore(db, randomBytes(32)),
    live,
    logger: silentLogger,
    maxRunningPerWorkflow: 10,
  });
  await hub.start();
  cleanups.push(() => hub.close());
  const service = new ExecutionService({
    rooms,
    versions,
    executions,
    queue: new LocalRunQueue(hub),
    live,
    maxQueuedPerWorkflow: 10,
  });

  const http = createServer();
  http.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, new URL(req.url ?? '/', 'http://x')));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => http.close(resolve)));
  const engine = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/engine`, {
    headers: { authorization: 'Bearer engine-token' },
  });
  cleanups.push(() => engine.terminate());
  const jobs: string[] = [];
  engine.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string; job?: { executionId: string } };
    if (message.type === 'run' && message.job) jobs.push(message.job.executionId);
  });
  await new Promise((resolve) => engine.on('open', resolve));
  engine.send(JSON.stringify({ type: 'hello', engineId: 'one-slot', concurrency: 1 }));
  await waitUntil(() => (hub.engineCount === 1 ? true : undefined), 'the engine to join');

  return { db, versions, executions, hub, service, hash, engine, jobs };
};

it('a slot taken by a job being built is not handed out again, and a stop meanwhile means the job is never sent', async () => {
  const { versions, executions, hub, service, hash, jobs } = await world((db) => ({
    versions: new GatedVersionStore(db),
    executions: new SqliteExecutionStore(db),
  }));
  const first = await service.run('wf1', null, { mode: 'webhook', versionHash: hash });
  await waitUntil(() => (versions.calls === 1 ? true : undefined), "the first job's version read");
  const second = await service.run('wf1', null, { mode: 'webhook', versionHash: hash });
  // The only slot is the first run's while its job is built: the second waits in the queue.
  await new Promise((r) => setTimeout(r, 100));
  expect(versions.calls).toBe(1);
  expect(hub.queuedCount('wf1')).toBe(1);
  const heard = hub.waitFor(first.id, 5_000);
  expect(hub.cancel(first.id)).toBe(true);
  versions.open();
  expect(await heard).toMatchObject({ status: 'canceled' });
  // It was claimed for the engine before its job was built (engine-hub.ts handOver), and ends canceled.
  expect(await executions.get(first.id)).toMatchObject({ status: 'canceled', engineId: 'one-slot' });
  // The freed slot goes to the second run, and only it ever reaches the engine.
  await waitUntil(() => (jobs.length === 1 ? true : undefined), 'the second job');
  await new Promise((r) => setTimeout(r, 100));
  expect(jobs).toEqual([second.id]);
  expect(await executions.get(second.id)).toMatchObject({ status: 'running', engineId: 'one-slot' });
});

/** The real store; markRunning (the local claim) waits until the test opens the gate. */
class GatedClaimStore extends SqliteExecutionStore {
  private release = (): void => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  claims = 0;

  open(): void {
    this.release();
  }

  override async markRunning(id: string, engineId: string, now: number): Promise<boolean> {
    this.claims++;
    await this.gate;
    return super.markRunning(id, engineId, now);
  }
}

it('an engine lost while its claim is in flight fails nothing it did not take: a run taken elsewhere stays running', async () => {
  const { db, executions, hub, service, hash, engine } = await world((db) => ({
    versions: new SqliteVersionStore(db),
    executions: new GatedClaimStore(db),
  }));
  const run = await service.run('wf1', null, { mode: 'webhook', versionHash: hash });
  await waitUntil(() => (executions.claims === 1 ? true : undefined), 'the claim to start');
  // Meanwhile the run is taken by another engine (another instance, a duplicate job) and this engine goes.
  db.update(executionsTable)
    .set({ status: 'running', engineId: 'elsewhere' })
    .where(eq(executionsTable.id, run.id))
    .run();
  engine.terminate();
  await waitUntil(() => (hub.engineCount === 0 ? true : undefined), 'the engine to be gone');
  executions.open();
  await new Promise((r) => setTimeout(r, 200));
  // The claim found it not queued: its row is the other engine's, untouched.
  expect(await executions.get(run.id)).toMatchObject({ status: 'running', engineId: 'elsewhere', error: null });
});
