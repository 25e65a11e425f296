import { join } from 'node:path';
import { silentLogger } from '#shared/log.ts';
import { createSyncServer, type SyncServer, type SyncServerConfig } from '../../src/server.ts';
import { tempDir } from './temp-dir.ts';
import { dropTestDatabase, testDatabaseUrl, testDialect } from './test-database.ts';

export interface TestServer {
  server: SyncServer;
  dataDir: string;
  /** Set once `listen` ran: http://127.0.0.1:<port> */
  baseUrl: string;
  wsUrl: string;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export const testConfig = (dataDir: string, overrides: Partial<SyncServerConfig> = {}): SyncServerConfig => ({
  host: '127.0.0.1',
  port: 0,
  dbFile: join(dataDir, 'weft.db'),
  maxFrameBytes: 16 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  compactEvery: 500,
  flushIntervalMs: 2,
  roomUnloadMs: 50,
  pingIntervalMs: 30_000,
  signup: 'open',
  cookieSecure: false,
  dbSynchronous: 'NORMAL',
  clientDir: join(dataDir, 'no-client'),
  engineToken: 'test-engine-token-0123456789',
  encryptionKey: Buffer.alloc(32, 7),
  allowedHosts: [],
  trustProxy: false,
  maxQueuedPerWorkflow: 1000,
  maxRunningPerWorkflow: 0,
  executionsMaxAgeDays: 14,
  executionsMaxCount: 10_000,
  loginLimitPerAccount: 10,
  authLimitPerAddress: 100,
  ...overrides,
});

/**
 * A whole sync server on a real SQLite file in a fresh temp dir (or, in the
 * `sync-server-pg` project, on a fresh PostgreSQL database that the dir
 * remembers); `listen` binds 127.0.0.1 on a free port.
 */
export const startTestServer = async (
  overrides: Partial<SyncServerConfig> = {},
  existingDir?: string,
): Promise<TestServer> => {
  const dir = existingDir ? { path: existingDir, remove: () => {} } : tempDir();
  const databaseUrl = overrides.databaseUrl ?? (await testDatabaseUrl(dir.path));
  const server = await createSyncServer({
    config: testConfig(dir.path, { ...(databaseUrl === undefined ? {} : { databaseUrl }), ...overrides }),
    logger: silentLogger,
  });
  // The sync-server-pg project proves nothing if a server quietly fell back to SQLite.
  if (overrides.databaseUrl === undefined && server.storage.dialect !== testDialect) {
    await server.close();
    throw new Error(`the test server runs on ${server.storage.dialect}, not ${testDialect}`);
  }
  const t: TestServer = {
    server,
    dataDir: dir.path,
    baseUrl: '',
    wsUrl: '',
    listen: async () => {
      const { port } = await server.listen();
      t.baseUrl = `http://127.0.0.1:${port}`;
      t.wsUrl = `ws://127.0.0.1:${port}/sync`;
    },
    close: async () => {
      await server.close();
      if (!existingDir) {
        await dropTestDatabase(dir.path);
        dir.remove();
      }
    },
  };
  return t;
};
