import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { silentLogger } from '#shared/log.ts';
import { SqliteAccountStore } from '../../src/accounts/sqlite-account-store.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { createSyncEndpoint } from '../../src/http/sync-upgrade.ts';
import { routeUpgrades } from '../../src/http/upgrade-router.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import type { Role } from '../../src/workflows/workflow-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Access checks read an async store (a remote database answers later): the
 * sync endpoint must keep its guarantees while a check is in flight — a peer
 * that hangs up before the verdict is never upgraded, and what a socket sends
 * while its access is checked again waits for the verdict (dropped with the
 * socket when access is gone, delivered when it holds).
 */

/** The real SQLite store, whose role lookups wait while the test holds the gate. */
class SlowWorkflowStore extends SqliteWorkflowStore {
  lookups = 0;
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  hold(): void {
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  override async memberRole(workflowId: string, userId: string): Promise<Role | undefined> {
    this.lookups += 1;
    if (this.gate) await this.gate.promise;
    return super.memberRole(workflowId, userId);
  }
}

let dir: ReturnType<typeof tempDir>;
let database: OpenedDatabase;
let workflows: SlowWorkflowStore;
let docs: SqliteDocStore;
let rooms: RoomManager;
let endpoint: ReturnType<typeof createSyncEndpoint>;
let http: Server;
let wsUrl: string;
let token: string;
let userId: string;
const clients: YwsClient[] = [];

beforeEach(async () => {
  dir = tempDir();
  database = openDatabase({ file: join(dir.path, 'weft.db') });
  const accounts = new SqliteAccountStore(database.db);
  workflows = new SlowWorkflowStore(database.db);
  docs = new SqliteDocStore(database.db);
  rooms = new RoomManager({ store: docs, logger: silentLogger, unloadDelayMs: 50, compactEvery: 500 });
  // The first account is the admin, who may open anything: the person under test is the second.
  const admin = await accounts.createUser({ email: 'admin@example.com', name: 'Admin', passwordHash: 'x' });
  const user = await accounts.createUser({ email: 'ed@example.com', name: 'Ed', passwordHash: 'x' });
  userId = user.id;
  token = (await accounts.createApiToken(user.id, 'test')).token;
  await workflows.create({ id: 'wf1', name: 'Shared', createdBy: null, createdAt: 1, updatedAt: 1 }, user.id);
  // A second owner, so that removing the person under test leaves the workflow the owner it must keep.
  await workflows.upsertMember('wf1', admin.id, 'owner', 1);
  endpoint = createSyncEndpoint({
    accounts,
    workflows,
    rooms,
    logger: silentLogger,
    maxFrameBytes: 1024 * 1024,
    maxBufferedBytes: 1024 * 1024,
    pingIntervalMs: 30_000,
    trustProxy: false,
  });
  http = createServer();
  routeUpgrades(http, { routes: [endpoint.route], logger: silentLogger });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  wsUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync`;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  workflows.release();
  endpoint.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await rooms.shutdown();
  await database.close();
  dir.remove();
});

const open = (): YwsClient => {
  const client = connectClient(wsUrl, 'wf1', { token });
  clients.push(client);
  return client;
};

/** The stored document's meta map, as a newcomer would load it. */
const stored = async (): Promise<Map<string, unknown>> => {
  const loaded = await docs.load('wf1');
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
  for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
  return new Map(doc.getMap('meta').entries());
};

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('the sync endpoint with a store that answers later', () => {
  it('does not upgrade a peer that hung up while its access was checked', async () => {
    workflows.hold();
    const early = new WebSocket(`${wsUrl}/wf1?token=${token}`);
    early.on('error', () => {});
    await waitFor('the access check to start', () => workflows.lookups === 1, 2000);
    early.terminate();
    await settle();
    workflows.release();
    await settle();
    expect(endpoint.socketCount).toBe(0);
    // The next one is let in as usual.
    const client = open();
    await client.synced();
    expect(endpoint.socketCount).toBe(1);
  });

  it('drops what a socket sent while a check found its access gone, and closes it with 4403', async () => {
    const client = open();
    await client.synced();
    client.doc.getMap('meta').set('before', 1);
    await expect.poll(async () => (await stored()).get('before'), { timeout: 2000 }).toBe(1);

    workflows.hold();
    await workflows.removeMember('wf1', userId);
    const revalidated = endpoint.revalidate({ workflowId: 'wf1' });
    client.doc.getMap('meta').set('after', 'must not be stored');
    await settle();
    workflows.release();
    expect(await revalidated).toBe(1);
    await waitFor('the close', () => client.closes.some((c) => c.code === CloseCodes.forbidden), 2000);
    await settle();
    expect((await stored()).has('after')).toBe(false);
  });

  it('delivers what a socket sent while a check found its access intact', async () => {
    const client = open();
    await client.synced();
    workflows.hold();
    const revalidated = endpoint.revalidate({ workflowId: 'wf1' });
    client.doc.getMap('meta').set('during', 'kept');
    await settle();
    // Held until the verdict: nothing of it is stored yet.
    expect((await stored()).has('during')).toBe(false);
    workflows.release();
    expect(await revalidated).toBe(0);
    await expect.poll(async () => (await stored()).get('during'), { timeout: 2000 }).toBe('kept');
    expect(client.closes).toEqual([]);
  });
});
