import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { origins } from '#shared/origins.ts';
import { toDefinition } from '#shared/schema/index.ts';
import { randomEdit } from '../../../shared/test/fuzz/ops.ts';
import { sameState } from '../../../shared/test/replicas.ts';
import { restClient } from '../helpers/rest.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/** Durability (SPEC SYNC1): what anyone has seen survives a restart and a kill -9. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

const vector = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));

describe('durability', () => {
  it('a graceful restart keeps every document intact', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    let t = await startTestServer({}, dir.path);
    await t.listen();
    const rest = restClient(t.baseUrl);
    const owner = await rest.signup('owner@example.com');
    const id = await rest.createWorkflow(owner.as, 'Keeps');
    const writer = connectClient(t.wsUrl, id, { token: owner.token });
    await writer.synced();
    const rng = prng.create(7);
    let n = 0;
    for (let i = 0; i < 200; i++) {
      try {
        randomEdit(rng, writer.doc, 'writer', () => n++, origins.ui);
      } catch {
        // refused renames are fine
      }
    }
    const expected = toDefinition(writer.doc);
    await waitFor('the server to hold every edit', () => {
      const room = t.server.rooms.peek(id);
      return (
        room !== undefined && Y.encodeStateVector(room.doc).toString() === Y.encodeStateVector(writer.doc).toString()
      );
    });
    writer.destroy();
    await t.close();

    t = await startTestServer({}, dir.path);
    cleanups.push(() => t.close());
    await t.listen();
    const reader = connectClient(t.wsUrl, id, { token: owner.token });
    cleanups.push(reader.destroy);
    await reader.synced();
    expect(toDefinition(reader.doc)).toEqual(expected);
    const list = await restClient(t.baseUrl).call<{ workflows: { name: string }[] }>('GET', '/api/workflows', {
      as: { token: owner.token },
    });
    expect(list.body.workflows.map((w) => w.name)).toEqual(['Keeps']);
  });

  it('a restart after kill -9 folds the log the kill left into a snapshot before it listens', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    // Nothing is compacted while editing, so the whole session is the log the kill leaves.
    let server: SpawnedServer = await spawnServer(dir.path, { env: { WEFT_COMPACT_EVERY: '100000' } });
    cleanups.push(() => {
      server.child.kill('SIGKILL');
    });
    const rest = restClient(server.baseUrl);
    const owner = await rest.signup('owner@example.com');
    const id = await rest.createWorkflow(owner.as, 'Tail');
    const writer = connectClient(server.wsUrl, id, { token: owner.token }, { clientID: 4242 });
    cleanups.push(writer.destroy);
    const reader = connectClient(server.wsUrl, id, { token: owner.token });
    cleanups.push(reader.destroy);
    await Promise.all([writer.synced(), reader.synced()]);
    for (let i = 0; i < 40; i++) writer.doc.getArray<number>('list').push([i]);
    // Relayed only once committed (SYNC1): the reader holding all 40 means they are in the log.
    await waitFor('the reader to hold every edit', () => reader.doc.getArray('list').length === 40);
    writer.destroy();
    reader.destroy();
    server.child.kill('SIGKILL');
    await server.exited;

    server = await spawnServer(dir.path, { port: server.port });
    const output = server.output.join('');
    const folded = output.indexOf('folded the document logs a stop left');
    expect(folded).toBeGreaterThan(-1);
    expect(folded).toBeLessThan(output.indexOf('"msg":"listening"'));
    expect(output).toMatch(/"folded":1,"failed":0/);
    const probe = connectClient(server.wsUrl, id, { token: owner.token });
    cleanups.push(probe.destroy);
    await probe.synced();
    expect(probe.doc.getArray('list').toArray()).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('after kill -9 mid-editing, every update any other client had received is restored, and clients converge', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    let server: SpawnedServer = await spawnServer(dir.path);
    cleanups.push(() => {
      server.child.kill('SIGKILL');
    });
    const rest = restClient(server.baseUrl);
    const owner = await rest.signup('owner@example.com');
    const id = await rest.createWorkflow(owner.as, 'Crash');
    const clients: YwsClient[] = [];
    for (let i = 0; i < 6; i++) {
      const c = connectClient(server.wsUrl, id, { token: owner.token }, { clientID: 1000 + i });
      clients.push(c);
      cleanups.push(c.destroy);
    }
    await Promise.all(clients.map((c) => c.synced()));

    // Everyone edits continuously; the server is killed in the middle of it.
    let editing = true;
    const seed = Date.now() % 1_000_000;
    const loops = clients.map(async (client, index) => {
      const rng = prng.create(seed + index);
      let n = 0;
      while (editing) {
        try {
          randomEdit(rng, client.doc, `c${index}`, () => index * 100_000 + n++, origins.ui);
        } catch {
          // refused renames are fine
        }
        await new Promise((r) => setTimeout(r, prng.int32(rng, 1, 8)));
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    const { signal } = await server.exited;
    expect(signal).toBe('SIGKILL');
    // Nothing can arrive from a dead server: what each client holds from others now is what it had seen.
    const seen = clients.map((c) => ({ clientID: c.doc.clientID, vector: vector(c.doc) }));
    editing = false;
    await Promise.all(loops);

    server = await spawnServer(dir.path, { port: server.port });
    const probe = connectClient(server.wsUrl, id, { token: owner.token });
    cleanups.push(probe.destroy);
    await probe.synced();
    const restored = vector(probe.doc);
    let checked = 0;
    for (const { clientID, vector: v } of seen) {
      for (const [author, clock] of v) {
        if (author === clientID) continue; // its own edits may not have been committed; it still holds them
        expect(
          restored.get(author) ?? 0,
          `updates of client ${author} that client ${clientID} had seen`,
        ).toBeGreaterThanOrEqual(clock);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);

    // The stock clients reconnect by themselves (same port) and everyone converges with the server.
    await waitFor(
      'every client and the probe to converge',
      () => clients.every((c) => c.provider.synced && sameState(c.doc, probe.doc)),
      20_000,
    );
    const after = connectClient(server.wsUrl, id, { token: owner.token });
    cleanups.push(after.destroy);
    await after.synced();
    expect(sameState(after.doc, clients[0]?.doc ?? new Y.Doc())).toBe(true);
    expect(toDefinition(after.doc)).toEqual(toDefinition(clients[3]?.doc ?? new Y.Doc()));
  });
});
