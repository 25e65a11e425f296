import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { CredentialUseAudit } from '../../src/audit/credential-use.ts';
import { SqliteAuditStore } from '../../src/audit/sqlite-audit-store.ts';
import { SqliteCredentialStore } from '../../src/credentials/sqlite-credential-store.ts';
import { openDatabase } from '../../src/db/open.ts';
import { users, workflows } from '../../src/db/schema.ts';
import { EngineHub } from '../../src/executions/engine-hub.ts';
import { ExecutionService } from '../../src/executions/execution-service.ts';
import { LiveStatus } from '../../src/executions/live-status.ts';
import { LocalRunQueue } from '../../src/executions/run-queue.ts';
import { SqliteExecutionStore } from '../../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { waitUntil } from '../helpers/engine-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `credential.used` (docs/plans/collaboration.md §6.2): a run that carries a
 * credential to its engine is recorded once per (credential, workflow
 * version), not once per run, so trigger runs do not gain a write each. Real
 * SQLite stores, the real hub and a raw engine over a real /engine socket.
 *
 * The hub is built here, not through createSyncServer: server.ts hands the
 * hub its CredentialUseAudit (the lead wires it; see the branch's report).
 */

const ann = { id: 'u1', email: 'ann@example.com', name: 'Ann', isAdmin: false, createdAt: 1 };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const definition = (name: string, credentialId: string): WorkflowDefinition => ({
  weft: 1,
  name,
  settings: {},
  nodes: [
    { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
    {
      id: 'call',
      name: 'Call',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { url: 'https://example.com' },
      credentials: { auth: credentialId },
    },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'call', targetHandle: 'main' }],
});

/** One SQLite file; `instances` hubs on it, each with its own CredentialUseAudit (its own memory), one engine each. */
const world = async (instances: number) => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  cleanups.push(() => database.close());
  const { db } = database;
  db.insert(users).values({ id: 'u1', email: 'ann@example.com', name: 'Ann', passwordHash: 'x', createdAt: 1 }).run();
  db.insert(workflows).values({ id: 'wf1', name: 'Orders', createdAt: 1, updatedAt: 1 }).run();
  const credentials = new SqliteCredentialStore(db, randomBytes(32));
  const credential = await credentials.create('u1', { name: 'API', type: 'bearer', data: { token: 't0k' } }, 1);
  await credentials.grant(credential.id, 'wf1', 1);
  const versions = new SqliteVersionStore(db);
  const executions = new SqliteExecutionStore(db);
  const audit = new SqliteAuditStore(db);
  const rooms = new RoomManager({
    store: new SqliteDocStore(db),
    logger: silentLogger,
    unloadDelayMs: 0,
    compactEvery: 100,
  });
  cleanups.push(() => rooms.shutdown());
  const live = new LiveStatus(rooms);
  const jobs: string[] = [];
  const services: ExecutionService[] = [];
  for (let i = 0; i < instances; i++) {
    const log = createAuditLog({ store: audit, logger: silentLogger, workflowName: () => Promise.resolve('Orders') });
    const hub = new EngineHub({
      token: 'engine-token',
      executions,
      versions,
      workflows: new SqliteWorkflowStore(db),
      credentials,
      live,
      logger: silentLogger,
      maxRunningPerWorkflow: 100,
      credentialUse: new CredentialUseAudit(log),
    });
    await hub.start();
    cleanups.push(() => hub.close());
    services.push(
      new ExecutionService({
        rooms,
        versions,
        executions,
        queue: new LocalRunQueue(hub),
        live,
        maxQueuedPerWorkflow: 100,
      }),
    );
    const http = createServer();
    http.on('upgrade', (req, socket, head) =>
      hub.handleUpgrade(req, socket, head, new URL(req.url ?? '/', 'http://x')),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    const engine = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/engine`, {
      headers: { authorization: 'Bearer engine-token' },
    });
    cleanups.push(() => engine.terminate());
    engine.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; job?: { executionId: string } };
      if (message.type === 'run' && message.job) jobs.push(message.job.executionId);
    });
    await new Promise((resolve) => engine.on('open', resolve));
    engine.send(JSON.stringify({ type: 'hello', engineId: `engine-${i}`, concurrency: 50 }));
    await waitUntil(() => (hub.engineCount === 1 ? true : undefined), 'the engine to join');
  }
  const save = (name: string) => versions.save('wf1', new Uint8Array(), definition(name, credential.id), null, 1);
  const used = async () =>
    (await audit.list({ workflowId: 'wf1', limit: 100, actionPrefixes: ['credential.used'] })).reverse();
  return { services, jobs, save, used, credentialId: credential.id };
};

it('records the first run of each version that carries a credential, and not the runs after it', async () => {
  const { services, jobs, save, used, credentialId } = await world(1);
  const [service] = services;
  if (!service) throw new Error('no instance');
  const v1 = await save('Orders');
  const first = await service.run('wf1', ann, { mode: 'manual', versionHash: v1 });
  for (let i = 0; i < 4; i++) await service.run('wf1', null, { mode: 'webhook', versionHash: v1 });
  await waitUntil(() => (jobs.length === 5 ? true : undefined), 'five jobs');
  const v2 = await save('Orders, renamed');
  await service.run('wf1', null, { mode: 'webhook', versionHash: v2 });
  await waitUntil(() => (jobs.length === 6 ? true : undefined), 'the sixth job');
  await expect.poll(async () => (await used()).length).toBe(2);
  const events = await used();
  expect(events[0]).toMatchObject({
    action: 'credential.used',
    actor: { id: null, via: 'engine' },
    workflowId: 'wf1',
    workflowName: 'Orders',
    target: { type: 'credential', id: credentialId },
    data: { versionHash: v1, executionId: first.id, mode: 'manual', startedBy: 'u1' },
  });
  expect(events[1]).toMatchObject({ data: { versionHash: v2, mode: 'webhook', startedBy: null } });
  await new Promise((r) => setTimeout(r, 100));
  expect(await used()).toHaveLength(2);
});

it('two instances, each remembering its own pairs, still leave one event per pair (the dedupe key)', async () => {
  const { services, jobs, save, used } = await world(2);
  const v1 = await save('Orders');
  for (const service of services) await service.run('wf1', null, { mode: 'webhook', versionHash: v1 });
  await waitUntil(() => (jobs.length === 2 ? true : undefined), 'a job on each instance');
  await expect.poll(async () => (await used()).length).toBe(1);
  await new Promise((r) => setTimeout(r, 100));
  expect(await used()).toHaveLength(1);
});
