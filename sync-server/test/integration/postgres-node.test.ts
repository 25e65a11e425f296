import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type ThrowawayPostgres } from '../../../shared/test/support/throwaway-postgres.ts';
import { grantCredential, importWorkflow, node, runToEnd, serverWithEngine } from '../helpers/workflow-runs.ts';

/**
 * Postgres end to end: a PostgreSQL credential made over REST, stored
 * encrypted, carried in the job to a real engine process, which connects to
 * a throwaway PostgreSQL on 127.0.0.1 (allowed by the server's
 * WEFT_HTTP_ALLOW) as the credential's user to its database and writes.
 */

let target: ThrowawayPostgres;
let admin: pg.Client;
const env = serverWithEngine({ httpAllow: ['127.0.0.1'] });

beforeAll(async () => {
  target = await startPostgres();
  admin = new pg.Client({ connectionString: target.urlFor('postgres') });
  await admin.connect();
  await admin.query('CREATE ROLE app LOGIN');
  await admin.query('CREATE DATABASE appdb OWNER app');
  const app = new pg.Client({ connectionString: `postgres://app@127.0.0.1:${target.port}/appdb` });
  await app.connect();
  await app.query('CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, who text DEFAULT current_user)');
  await app.end();
}, 60_000);

afterAll(async () => {
  await admin.end();
  await target.stop();
});

describe('Postgres with a PostgreSQL credential', () => {
  it('the run connects as the stored login and writes the items; a database that does not exist fails the run', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com', 'Ann');
    const credential = (database: string) =>
      rest.call<{ id: string }>('POST', '/api/credentials', {
        body: {
          name: 'Orders db',
          type: 'postgres',
          data: { host: '127.0.0.1', port: target.port, database, user: 'app', password: 'unused-here-1' },
        },
        as: ann.as,
      });
    const good = await credential('appdb');
    const bad = await credential('nope');
    const flow = (credentialId: string) => ({
      name: 'Orders',
      nodes: [
        node('start', 'Start', 'manualTrigger'),
        {
          ...node(
            'db',
            'Db',
            'postgres',
            {
              operation: 'insert',
              table: 'orders',
              mappingMode: 'defineBelow',
              columnValues: [{ column: 'item', value: '={{ $workflow.name + "\'); DROP TABLE orders; --" }}' }],
              outputColumns: 'item, who',
            },
            200,
          ),
          credentials: { postgres: credentialId },
        },
      ],
      edges: [{ source: 'start', target: 'db' }],
    });
    const run = async (credentialId: string) => {
      const workflowId = await importWorkflow(rest, ann.as, flow(credentialId));
      await grantCredential(rest, ann.as, credentialId, workflowId);
      return runToEnd(rest, ann.as, workflowId);
    };

    expect(await run(good.body.id)).toMatchObject({ status: 'succeeded', error: null });
    const app = new pg.Client({ connectionString: `postgres://app@127.0.0.1:${target.port}/appdb` });
    await app.connect();
    try {
      expect((await app.query('SELECT item, who FROM orders')).rows).toEqual([
        { item: "Orders'); DROP TABLE orders; --", who: 'app' },
      ]);
    } finally {
      await app.end();
    }

    const failed = await run(bad.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/database "nope" does not exist/);
  });
});
