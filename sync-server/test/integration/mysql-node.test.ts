import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import { startTestMariaDb, type TestMariaDb } from '../../../shared/test/support/throwaway-mariadb.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * MySQL end to end: a MySQL credential made over REST, stored encrypted,
 * carried in the job to a real engine process, which connects to a
 * throwaway MariaDB on 127.0.0.1 (allowed by the server's WEFT_HTTP_ALLOW)
 * as the credential's user to its database and writes.
 */

let target: TestMariaDb;
let t: TestServer;
let engine: ChildProcess | undefined;

beforeAll(async () => {
  target = await startTestMariaDb();
  await target.admin.query(
    "CREATE DATABASE appdb; CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret-1'; GRANT ALL ON appdb.* TO 'app'@'%';",
  );
  await target.admin.query(
    'CREATE TABLE appdb.orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(200) NOT NULL, who VARCHAR(200) DEFAULT (current_user()))',
  );
}, 60_000);

afterAll(async () => {
  await target.stop();
});

beforeEach(async () => {
  t = await startTestServer({ httpAllow: ['127.0.0.1'] });
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterEach(async () => {
  await stopEngine(engine);
  await t.close();
});

describe('MySQL with a MySQL credential', () => {
  it('the run connects as the stored login and writes the items; a wrong password fails the run', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann@example.com', 'Ann');
    const credential = (password: string) =>
      rest.call<{ id: string }>('POST', '/api/credentials', {
        body: {
          name: 'Orders db',
          type: 'mysql',
          data: { host: '127.0.0.1', port: target.port, database: 'appdb', user: 'app', password },
        },
        as: ann.as,
      });
    const good = await credential('app-secret-1');
    const bad = await credential('wrong-secret');
    const flow = (credentialId: string) => ({
      weft: 1,
      name: 'Orders',
      nodes: [
        { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'db',
          name: 'Db',
          type: 'mySql',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          parameters: {
            operation: 'insert',
            table: 'orders',
            dataMode: 'defineBelow',
            valuesToSend: [{ column: 'item', value: '={{ $workflow.name + "\\\'); DROP TABLE orders; --" }}' }],
          },
          credentials: { mySql: credentialId },
        },
      ],
      edges: [{ source: 'start', target: 'db' }],
    });
    const run = async (credentialId: string) => {
      const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
        as: ann.as,
        body: flow(credentialId),
      });
      const workflowId = imported.body.id;
      await rest.call('POST', `/api/credentials/${credentialId}/grants`, { body: { workflowId }, as: ann.as });
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
      return waitUntil(async () => {
        const r = await rest.call<{ status: string; error: string | null }>(
          'GET',
          `/api/executions/${started.body.id}`,
          { as: ann.as },
        );
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
      }, 'the run to end');
    };

    expect(await run(good.body.id)).toMatchObject({ status: 'succeeded', error: null });
    const [rows] = await target.admin.query('SELECT item, who FROM appdb.orders');
    expect(rows).toEqual([{ item: "Orders'); DROP TABLE orders; --", who: 'app@%' }]);

    const failed = await run(bad.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/Access denied for user 'app'/);
  });
});
