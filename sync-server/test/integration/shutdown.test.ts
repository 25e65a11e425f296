import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { spawnServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s closes every socket with 1001, commits, checkpoints the database and exits 0',
    async (signal) => {
      const dir = tempDir();
      cleanups.push(dir.remove);
      const server = await spawnServer(dir.path);
      cleanups.push(() => server.child.kill('SIGKILL'));
      const rest = restClient(server.baseUrl);
      const owner = await rest.signup('owner@example.com');
      const id = await rest.createWorkflow(owner.as, 'Stop me');
      const clients: YwsClient[] = [0, 1].map(() => connectClient(server.wsUrl, id, { token: owner.token }));
      for (const c of clients) cleanups.push(c.destroy);
      await Promise.all(clients.map((c) => c.synced()));
      clients[0]?.doc.getMap('meta').set('last', 'before shutdown');
      await waitFor(
        'the edit to reach the other client',
        () => clients[1]?.doc.getMap('meta').get('last') === 'before shutdown',
      );

      server.child.kill(signal);
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      await waitFor('both clients to see the close', () => clients.every((c) => c.closes.length > 0));
      expect(clients.map((c) => c.closes[0]?.code)).toEqual([1001, 1001]);
      const wal = join(dir.path, 'weft.db-wal');
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
      expect(server.output.join('')).toContain('"msg":"stopped"');

      const again = await spawnServer(dir.path);
      cleanups.push(() => again.child.kill('SIGKILL'));
      const reader = connectClient(again.wsUrl, id, { token: owner.token });
      cleanups.push(reader.destroy);
      await reader.synced();
      expect(reader.doc.getMap('meta').get('last')).toBe('before shutdown');
    },
  );
});
