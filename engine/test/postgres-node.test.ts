import pg from 'pg';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closePostgresPools } from '../src/nodes/postgres-pool.ts';
import type { Credential } from '../src/runner/types.ts';
import { allowLoopback, items, runNode } from './harness.ts';
import { startPostgres, type ThrowawayPostgres } from '../../shared/test/support/throwaway-postgres.ts';

/**
 * The Postgres node against a throwaway PostgreSQL (initdb in a temp folder,
 * 127.0.0.1 on a free port, as the sync-server-pg tests start theirs); a
 * plain pg client checks what the node wrote. Loopback is allowed only by
 * the test's network policy.
 */

let server: ThrowawayPostgres;
let admin: pg.Client;

const credential = (over: Partial<Extract<Credential, { type: 'postgres' }>> = {}): Credential => ({
  type: 'postgres',
  host: '127.0.0.1',
  port: server.port,
  database: 'weft',
  user: 'weft',
  password: '',
  ssl: 'disable',
  allowUnauthorizedCerts: false,
  ...over,
});

const run = (
  parameters: Record<string, unknown>,
  json: Record<string, unknown>[] = [{}],
  options: { policy?: 'default'; credential?: Credential; onError?: 'continueRegularOutput' } = {},
) =>
  runNode('postgres', parameters, items(...(json as never[])), {
    credentials: { c1: options.credential ?? credential() },
    node: { credentials: { postgres: 'c1' }, ...(options.onError ? { onError: options.onError } : {}) },
    ...(options.policy === 'default' ? {} : { network: allowLoopback }),
  });

const jsons = (out: Awaited<ReturnType<typeof run>>) => (out.main ?? []).map((i) => i.json);
const rows = async (sql: string) => (await admin.query(sql)).rows as Record<string, unknown>[];

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 60_000);

afterAll(async () => {
  await admin.end();
  await closePostgresPools();
  await server.stop();
});

beforeEach(async () => {
  await admin.query('DROP TABLE IF EXISTS people, "we""ird", big');
  await admin.query(
    'CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL UNIQUE, age int, tags text[], meta jsonb)',
  );
  await admin.query("INSERT INTO people (name, age) VALUES ('ann', 30), ('bob', 25), ('cy', 41)");
});

describe('Postgres: execute query', () => {
  it('fills $1, $2 from the query parameters, one query per item', async () => {
    const out = await run(
      {
        operation: 'executeQuery',
        query: 'SELECT name, age FROM people WHERE age > $1 AND name <> $2 ORDER BY age',
        queryReplacement: '={{ $json.min }}, ann',
      },
      [{ min: 20 }, { min: 40 }],
    );
    expect(jsons(out)).toEqual([
      { name: 'bob', age: 25 },
      { name: 'cy', age: 41 },
      { name: 'cy', age: 41 },
    ]);
  });

  it('JSON text from an expression is one value; typed-in text is split at commas (n8n 2.5+)', async () => {
    const q = { operation: 'executeQuery', query: 'SELECT $1::text AS a' };
    expect(jsons(await run({ ...q, queryReplacement: '={{ $json.v }}' }, [{ v: '["x","y"]' }]))).toEqual([
      { a: '["x","y"]' },
    ]);
    expect(jsons(await run({ ...q, queryReplacement: '["x","y"]' }))).toEqual([{ a: '["x"' }]);
  });

  it('a query that returns no rows gives nothing for SELECT and { success: true } otherwise', async () => {
    expect(jsons(await run({ operation: 'executeQuery', query: 'SELECT * FROM people WHERE age > 100' }))).toEqual([]);
    const out = await run({ operation: 'executeQuery', query: "UPDATE people SET age = 31 WHERE name = 'ann'" });
    expect(jsons(out)).toEqual([{ success: true }]);
    expect(await rows("SELECT age FROM people WHERE name = 'ann'")).toEqual([{ age: 31 }]);
  });

  it('runs several statements in one query without parameters', async () => {
    const out = await run({
      operation: 'executeQuery',
      query: "INSERT INTO people (name) VALUES ('dee'); SELECT count(*)::int AS n FROM people",
    });
    expect(jsons(out)).toEqual([{ n: 4 }]);
  });

  it("treats '$1' in quotes as text when there are no parameters", async () => {
    const out = await run({ operation: 'executeQuery', query: "SELECT '$1' AS t, $$x$$ AS u" });
    expect(jsons(out)).toEqual([{ t: '$1', u: 'x' }]);
  });

  it('a value cannot change the statement: it is always a parameter', async () => {
    const evil = "x'); DROP TABLE people; --";
    await run({ operation: 'executeQuery', query: 'INSERT INTO people (name) VALUES ($1)', queryReplacement: evil });
    await run({ operation: 'insert', table: 'people' }, [{ name: `${evil}2` }]);
    await run({ operation: 'select', table: 'people', where: [{ column: 'name', condition: 'equal', value: evil }] });
    expect((await rows('SELECT name FROM people ORDER BY id')).map((r) => r.name)).toEqual([
      'ann',
      'bob',
      'cy',
      evil,
      `${evil}2`,
    ]);
  });

  it('names a syntax error with the failed query', async () => {
    await expect(run({ operation: 'executeQuery', query: 'SELEC 1' })).rejects.toThrow(
      /syntax error at or near "SELEC"/,
    );
  });
});

describe('Postgres: select', () => {
  it('where, combine, sort, limit, output columns', async () => {
    const base = { operation: 'select', table: 'people', outputColumns: 'name, age' };
    expect(
      jsons(
        await run({
          ...base,
          where: [
            { column: 'age', condition: '>=', value: '25' },
            { column: 'name', condition: 'LIKE', value: '%y' },
          ],
          combineConditions: 'OR',
          sort: [{ column: 'age', direction: 'DESC' }],
          limit: 2,
        }),
      ),
    ).toEqual([
      { name: 'cy', age: 41 },
      { name: 'ann', age: 30 },
    ]);
    expect(jsons(await run({ ...base, returnAll: true, sort: [{ column: 'name', direction: 'ASC' }] })).length).toBe(3);
    expect(jsons(await run({ ...base, where: [{ column: 'age', condition: 'IS NULL' }] }))).toEqual([]);
  });

  it('quotes a table name as a name', async () => {
    await admin.query('CREATE TABLE "we""ird" (v text)');
    await admin.query('INSERT INTO "we""ird" VALUES (\'ok\')');
    expect(jsons(await run({ operation: 'select', table: 'we"ird' }))).toEqual([{ v: 'ok' }]);
  });

  it('BIGINT and NUMERIC as text by default, as numbers when asked', async () => {
    await admin.query('CREATE TABLE big (b bigint, n numeric)');
    await admin.query('INSERT INTO big VALUES (9007199254740993, 1.5)');
    expect(jsons(await run({ operation: 'select', table: 'big' }))).toEqual([{ b: '9007199254740993', n: '1.5' }]);
    expect(jsons(await run({ operation: 'select', table: 'big', largeNumbersOutput: 'numbers' }))).toEqual([
      { b: 9007199254740992, n: 1.5 },
    ]);
  });
});

describe('Postgres: insert, update, upsert, delete', () => {
  it('inserts the items as rows and returns them; arrays and objects as Postgres takes them', async () => {
    const out = await run({ operation: 'insert', table: 'people', outputColumns: 'name, tags, meta' }, [
      { name: 'dee', tags: ['a', 'b "c"'], meta: { k: [1] } },
    ]);
    expect(jsons(out)).toEqual([{ name: 'dee', tags: ['a', 'b "c"'], meta: { k: [1] } }]);
  });

  it('refuses an unknown column and NULL into a NOT NULL column, as n8n does', async () => {
    await expect(run({ operation: 'insert', table: 'people' }, [{ nope: 1 }])).rejects.toThrow(
      "Column 'nope' does not exist in selected table",
    );
    await expect(run({ operation: 'insert', table: 'people' }, [{ name: null }])).rejects.toThrow(
      "Column 'name' is not nullable",
    );
  });

  it('skip on conflict; columns set on the node', async () => {
    const out = await run(
      {
        operation: 'insert',
        table: 'people',
        skipOnConflict: true,
        mappingMode: 'defineBelow',
        columnValues: [{ column: 'name', value: '={{ $json.n }}' }],
      },
      [{ n: 'ann' }, { n: 'eve' }],
    );
    expect(jsons(out).map((j) => j.name)).toEqual(['eve']);
  });

  it('updates the matching row; a row that does not exist is an error', async () => {
    const out = await run({ operation: 'update', table: 'people', matchingColumns: 'name' }, [
      { name: 'bob', age: 26 },
    ]);
    expect(jsons(out)).toMatchObject([{ name: 'bob', age: 26 }]);
    await expect(
      run({ operation: 'update', table: 'people', matchingColumns: 'name' }, [{ name: 'zed', age: 1 }]),
    ).rejects.toThrow("The row you are trying to update doesn't exist");
  });

  it('upserts: updates on the matching column, inserts otherwise', async () => {
    await run({ operation: 'upsert', table: 'people', matchingColumns: 'name' }, [
      { name: 'ann', age: 99 },
      { name: 'fay', age: 5 },
    ]);
    expect(await rows('SELECT name, age FROM people ORDER BY name')).toEqual([
      { name: 'ann', age: 99 },
      { name: 'bob', age: 25 },
      { name: 'cy', age: 41 },
      { name: 'fay', age: 5 },
    ]);
  });

  it('deletes matching rows, truncates, drops', async () => {
    const out = await run({
      operation: 'deleteTable',
      table: 'people',
      deleteCommand: 'delete',
      where: [{ column: 'age', condition: '<', value: '30' }],
    });
    expect(jsons(out)).toEqual([{ success: true }]);
    expect((await rows('SELECT name FROM people ORDER BY name')).map((r) => r.name)).toEqual(['ann', 'cy']);
    await run({ operation: 'deleteTable', table: 'people', deleteCommand: 'truncate', restartSequences: true });
    expect(await rows('SELECT * FROM people')).toEqual([]);
    await run({ operation: 'deleteTable', table: 'people', deleteCommand: 'drop' });
    expect(await rows("SELECT to_regclass('public.people') AS t")).toEqual([{ t: null }]);
  });
});

describe('Postgres: query batching', () => {
  const twoInserts = [{ name: 'gil' }, { name: 'ann' }];

  it('single: all or nothing', async () => {
    await expect(run({ operation: 'insert', table: 'people' }, twoInserts)).rejects.toThrow(/duplicate key/);
    expect(await rows("SELECT name FROM people WHERE name = 'gil'")).toEqual([]);
  });

  it('transaction: the first failure undoes the others', async () => {
    await expect(
      run({ operation: 'insert', table: 'people', queryBatching: 'transaction' }, twoInserts),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows("SELECT name FROM people WHERE name = 'gil'")).toEqual([]);
  });

  it('independently: each query on its own; with "continue", the failed item is named', async () => {
    await expect(
      run({ operation: 'insert', table: 'people', queryBatching: 'independently' }, twoInserts, {
        onError: 'continueRegularOutput',
      }),
    ).rejects.toMatchObject({ failed: [{ index: 1, message: expect.stringMatching(/duplicate key/) as unknown }] });
    expect(await rows("SELECT name FROM people WHERE name = 'gil'")).toEqual([{ name: 'gil' }]);
  });
});

describe('Postgres: the connection', () => {
  it('a canceled run ends its query on the server', async () => {
    const cancel = new AbortController();
    const started = Date.now();
    const running = runNode('postgres', { operation: 'executeQuery', query: 'SELECT pg_sleep(20)' }, items({}), {
      credentials: { c1: credential() },
      node: { credentials: { postgres: 'c1' } },
      network: allowLoopback,
      signal: cancel.signal,
    });
    setTimeout(() => cancel.abort(), 300);
    await expect(running).rejects.toThrow('The run was canceled');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The server ends the backend once its connection is gone.
    for (let i = 0; i < 50; i++) {
      const left = await rows("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)'");
      if (left[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await rows("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)'")).toEqual([
      { n: 0 },
    ]);
  });

  it('at most 4 connections per login, reused across runs', async () => {
    await Promise.all(
      Array.from({ length: 12 }, () => run({ operation: 'executeQuery', query: 'SELECT pg_sleep(0.05)' })),
    );
    const [count] = await rows("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'weft'");
    expect(count?.n).toBeGreaterThan(0);
    expect(count?.n).toBeLessThanOrEqual(4);
  });

  it('the network policy refuses 127.0.0.1 unless allowed, naming the setting', async () => {
    await expect(run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { policy: 'default' })).rejects.toThrow(
      /Postgres server may not be reached: .*WEFT_HTTP_ALLOW/,
    );
  });

  it('a statement timeout is the server’s error, not a connection timeout', async () => {
    await expect(
      run({ operation: 'executeQuery', query: "SET statement_timeout = '50ms'; SELECT pg_sleep(1)" }),
    ).rejects.toThrow('canceling statement due to statement timeout');
    // The next run on the pooled connection does not inherit a setting.
    await run({ operation: 'executeQuery', query: "SET statement_timeout = '5s'" });
    const [after] = jsons(await run({ operation: 'executeQuery', query: 'SHOW statement_timeout' }));
    expect(after).toEqual({ statement_timeout: '0' });
  });

  it('a transaction a query leaves open is not handed to the next run', async () => {
    await run({ operation: 'executeQuery', query: "BEGIN; INSERT INTO people (name) VALUES ('open')" });
    const [count] = jsons(
      await run({ operation: 'executeQuery', query: "SELECT count(*)::int AS n FROM people WHERE name = 'open'" }),
    );
    expect(count).toEqual({ n: 0 });
  });

  it('a wrong password or database is the server’s error', async () => {
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { credential: credential({ database: 'nope' }) }),
    ).rejects.toThrow(/database "nope" does not exist/);
  });

  it('TLS required from a server without it fails clearly', async () => {
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { credential: credential({ ssl: 'require' }) }),
    ).rejects.toThrow(/SSL/i);
  });
});

describe('Postgres: import', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [{ id: 'p', name: 'P', type: 'n8n-nodes-base.postgres', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });
  const rl = (value: string) => ({ __rl: true, mode: 'list', value, cachedResultName: value });

  it('2.6 insert: resource locators, the resource mapper, options', () => {
    const result = imported(2.6, {
      table: rl('people'),
      schema: rl('public'),
      columns: {
        mappingMode: 'defineBelow',
        value: { name: '={{ $json.n }}', age: 3 },
        matchingColumns: [],
        schema: [{ id: 'name', displayName: 'name' }],
      },
      options: { outputColumns: ['name', 'age'], queryBatching: 'transaction', skipOnConflict: true },
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      operation: 'insert',
      schema: 'public',
      table: 'people',
      mappingMode: 'defineBelow',
      columnValues: [
        { column: 'name', value: '={{ $json.n }}' },
        { column: 'age', value: '3' },
      ],
      outputColumns: 'name,age',
      queryBatching: 'transaction',
      skipOnConflict: true,
    });
    expect(result.warnings).toEqual([]);
  });

  it('2.1 update: data mode, values to send and the column to match on', () => {
    const result = imported(2.1, {
      operation: 'update',
      table: rl('people'),
      dataMode: 'defineBelow',
      columnToMatchOn: 'name',
      valueToMatchOn: 'bob',
      valuesToSend: { values: [{ column: 'age', value: '26' }] },
    });
    expect(result.definition.nodes[0]?.parameters).toMatchObject({
      operation: 'update',
      table: 'people',
      mappingMode: 'defineBelow',
      matchingColumns: 'name',
      columnValues: [
        { column: 'age', value: '26' },
        { column: 'name', value: 'bob' },
      ],
    });
  });

  it('2.2 select: where and sort; the empty-result difference and an unsupported option are named', () => {
    const result = imported(2.2, {
      operation: 'select',
      table: rl('people'),
      where: { values: [{ column: 'age', condition: '>', value: 20 }] },
      sort: { values: [{ column: 'age', direction: 'DESC' }] },
      options: { delayClosingIdleConnection: 5 },
    });
    expect(result.definition.nodes[0]?.parameters).toMatchObject({
      where: [{ column: 'age', condition: '>', value: '20' }],
      sort: [{ column: 'age', direction: 'DESC' }],
    });
    const said = JSON.stringify(result.warnings);
    expect(said).toContain('Delay Closing Idle Connection');
    expect(said).toContain('success: true');
  });
});

describe('Postgres: TLS', () => {
  let tlsServer: ThrowawayPostgres;
  beforeAll(async () => {
    tlsServer = await startPostgres({ tls: true });
  }, 60_000);
  afterAll(() => tlsServer.stop());

  const sslQuery = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
  const over = (c: Partial<Extract<Credential, { type: 'postgres' }>>) =>
    run({ operation: 'executeQuery', query: sslQuery }, [{}], {
      credential: credential({ port: tlsServer.port, ...c }),
    });

  it('require: the certificate is checked (a self-signed one fails)', async () => {
    await expect(over({ ssl: 'require' })).rejects.toThrow(/self[- ]signed certificate/);
  });

  it('ignore certificate issues: TLS on, unchecked, whatever the SSL mode says (as n8n)', async () => {
    expect(jsons(await over({ ssl: 'require', allowUnauthorizedCerts: true }))).toEqual([{ ssl: true }]);
    expect(jsons(await over({ ssl: 'disable', allowUnauthorizedCerts: true }))).toEqual([{ ssl: true }]);
  });

  it('disable: no TLS', async () => {
    expect(jsons(await over({ ssl: 'disable' }))).toEqual([{ ssl: false }]);
  });
});
