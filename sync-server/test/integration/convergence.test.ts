import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { origins } from '#shared/origins.ts';
import { findViolations, hasViolations, toDefinition, validateDefinition } from '#shared/schema/index.ts';
import { randomEdit } from '../../../shared/test/fuzz/ops.ts';
import { sameState } from '../../../shared/test/replicas.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * 20 stock y-websocket clients edit one workflow at once through a real server
 * (SQLite on disk, real sockets); everyone converges, and a client joining
 * afterwards gets the same state.
 */
const CLIENTS = 20;
const EDITS_PER_CLIENT = 40;
const seed = Number(process.env.WEFT_SEED ?? Date.now() % 1_000_000_000);

let t: TestServer;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ compactEvery: 100 });
  await t.listen();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

describe(`20 clients editing at once (seed ${seed}, replay with WEFT_SEED=${seed})`, () => {
  it('all converge, the definition stays valid, and a fresh client gets the same state', async () => {
    const rest = restClient(t.baseUrl);
    const owner = await rest.signup('owner@example.com');
    const id = await rest.createWorkflow(owner.as, 'Busy');
    for (let i = 0; i < CLIENTS; i++) clients.push(connectClient(t.wsUrl, id, { token: owner.token }));
    await Promise.all(clients.map((c) => c.synced()));

    const rng = prng.create(seed);
    const log: string[] = [];
    try {
      // Each client edits on its own random schedule, all at the same time.
      await Promise.all(
        clients.map(async (client, index) => {
          const mine = prng.create(prng.uint32(rng, 0, 2 ** 31));
          let counter = 0;
          for (let i = 0; i < EDITS_PER_CLIENT; i++) {
            await new Promise((r) => setTimeout(r, prng.int32(mine, 0, 15)));
            try {
              log.push(randomEdit(mine, client.doc, `client ${index}`, () => index * 10_000 + counter++, origins.ui));
            } catch (error) {
              if ((error as { code?: string }).code !== 'conflict') throw error;
            }
          }
        }),
      );
      // The same state vector is not enough: a pure deletion does not advance it.
      const server = () => t.server.rooms.peek(id)?.doc ?? new Y.Doc();
      await waitFor(
        'every client to hold the server state',
        () => clients.every((c) => sameState(c.doc, server())),
        20_000,
      );
      const definitions = clients.map((c) => JSON.stringify(toDefinition(c.doc)));
      expect(new Set(definitions).size).toBe(1);
      const definition = toDefinition(clients[0]?.doc ?? new Y.Doc());
      expect(validateDefinition(definition).ok).toBe(true);
      expect(definition.nodes.length).toBeGreaterThan(0);
      // The server repaired whatever the merges produced (names, dangling edges) in the document itself.
      expect(hasViolations(findViolations(clients[0]?.doc ?? new Y.Doc()))).toBe(false);

      const fresh = connectClient(t.wsUrl, id, { token: owner.token });
      clients.push(fresh);
      await fresh.synced();
      expect(sameState(fresh.doc, server())).toBe(true);
      expect(JSON.stringify(toDefinition(fresh.doc))).toBe(definitions[0]);
    } catch (error) {
      throw new Error(
        `seed ${seed} failed (WEFT_SEED=${seed}): ${(error as Error).message}\nlast ops:\n${log.slice(-15).join('\n')}`,
        {
          cause: error,
        },
      );
    }
  });
});
