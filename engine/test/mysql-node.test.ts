import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { closeMySqlPools } from '../src/nodes/mysql-pool.ts';
import type { Credential } from '../src/runner/types.ts';
import { allowLoopback, items, runNode } from './harness.ts';
import { startTestMariaDb, type TestMariaDb } from '../../shared/test/support/throwaway-mariadb.ts';

/**
 * The MySQL node against a throwaway MariaDB (its own data directory in a
 * temp folder, 127.0.0.1 on a free port); the root connection checks what
 * the node wrote. Loopback is allowed only by the test's network policy.
 */

let server: TestMariaDb;

type MySql = Extract<Credential, { type: 'mysql' }>;

const credential = (over: Partial<MySql> = {}): Credential => ({
  type: 'mysql',
  host: '127.0.0.1',
  port: server.port,
  database: 'weft',
  user: 'weft',
  password: 'weft',
  ssl: false,
  allowUnauthorizedCerts: false,
  ...over,
});

const run = (
  parameters: Record<string, unknown>,
  json: Record<string, unknown>[] = [{}],
  options: {
    policy?: 'default';
    credential?: Credential;
    onError?: 'continueRegularOutput';
    signal?: AbortSignal;
  } = {},
) =>
  runNode('mySql', parameters, items(...(json as never[])), {
    credentials: { c1: options.credential ?? credential() },
    node: { credentials: { mySql: 'c1' }, ...(options.onError ? { onError: options.onError } : {}) },
    ...(options.policy === 'default' ? {} : { network: allowLoopback }),
    ...(options.signal ? { signal: options.signal } : {}),
  });

const jsons = (out: Awaited<ReturnType<typeof run>>) => (out.main ?? []).map((i) => i.json);
const rows = async (sql: string) => (await server.admin.query(sql))[0] as Record<string, unknown>[];

beforeAll(async () => {
  server = await startTestMariaDb();
}, 60_000);

afterAll(async () => {
  await closeMySqlPools();
  await server.stop();
});

beforeEach(async () => {
  await server.admin.query('DROP TABLE IF EXISTS weft.people, weft.`we ird`');
  await server.admin.query(
    'CREATE TABLE weft.people (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, age INT, big BIGINT, price DECIMAL(8,2), f FLOAT, born DATE)',
  );
  await server.admin.query(
    "INSERT INTO weft.people (name, age, big, price, f, born) VALUES ('ann', 30, 9007199254740993, 1.50, 1.1, '1990-05-01'), ('bob', 25, 7, 2.25, 0.1234567, NULL), ('cy', 41, NULL, NULL, NULL, NULL)",
  );
});

describe('MySQL: execute query', () => {
  const cases: {
    name: string;
    params: Record<string, unknown>;
    input?: Record<string, unknown>[];
    out: Record<string, unknown>[];
  }[] = [
    {
      name: '$1, $2 from the query parameters, one query per item',
      params: {
        query: 'SELECT name, age FROM people WHERE age > $1 AND name <> $2 ORDER BY age',
        queryReplacement: '={{ $json.min }}, ann',
      },
      input: [{ min: 20 }, { min: 40 }],
      out: [
        { name: 'bob', age: 25 },
        { name: 'cy', age: 41 },
        { name: 'cy', age: 41 },
      ],
    },
    {
      name: 'a list from an expression; $1:name as a quoted name',
      params: { query: 'SELECT $1:name FROM people WHERE id = $2', queryReplacement: '={{ ["name", 2] }}' },
      out: [{ name: 'bob' }],
    },
    {
      name: "'$1' in quotes is text (2.5)",
      params: { query: "SELECT '$1' AS t, $1 AS u", queryReplacement: 'x' },
      out: [{ t: '$1', u: 'x' }],
    },
    {
      name: 'a SELECT with no rows gives nothing',
      params: { query: 'SELECT * FROM people WHERE age > 100' },
      out: [],
    },
    {
      name: 'other statements give { success: true }',
      params: { query: "UPDATE people SET age = 31 WHERE name = 'ann'" },
      out: [{ success: true }],
    },
    {
      name: 'several statements in one query, the values to each in turn',
      params: {
        query: 'INSERT INTO people (name) VALUES ($1); SELECT count(*) AS n FROM people WHERE name <> $2',
        queryReplacement: 'dee, ann',
      },
      out: [{ n: 3 }],
    },
    {
      name: 'dates as the server writes them, BIGINT beyond 2^53 as text, DECIMAL as text, FLOAT as its digits',
      params: { query: 'SELECT big, price, f, born FROM people WHERE id < $1 ORDER BY id', queryReplacement: '3' },
      out: [
        { big: '9007199254740993', price: '1.50', f: 1.1, born: '1990-05-01' },
        { big: 7, price: '2.25', f: 0.123457, born: null },
      ],
    },
    {
      name: 'large numbers as text, decimals as numbers when asked',
      params: {
        query: 'SELECT big, price FROM people WHERE id = 2',
        largeNumbersOutput: 'text',
        decimalNumbers: true,
      },
      out: [{ big: '7', price: 2.25 }],
    },
    {
      name: 'detailed output: each statement with its result',
      params: { query: "UPDATE people SET age = 1 WHERE name = 'zed'", detailedOutput: true },
      out: [
        {
          sql: "UPDATE people SET age = 1 WHERE name = 'zed'",
          data: {
            fieldCount: 0,
            affectedRows: 0,
            insertId: 0,
            info: 'Rows matched: 0  Changed: 0  Warnings: 0',
            serverStatus: 2,
            warningStatus: 0,
            changedRows: 0,
          },
        },
      ],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      expect(jsons(await run({ operation: 'executeQuery', ...c.params }, c.input))).toEqual(c.out);
    });

  it('a value cannot change the statement, whatever the sql_mode', async () => {
    await server.admin.query("SET GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES'");
    try {
      const evil = "x\\'); DROP TABLE people; -- ";
      await run({
        operation: 'executeQuery',
        query: 'INSERT INTO people (name) VALUES ($1)',
        queryReplacement: [evil],
      });
      await run({ operation: 'insert', table: 'people' }, [{ name: `${evil}2` }]);
      await run({ operation: 'select', table: 'people', where: [{ column: 'name', condition: 'equal', value: evil }] });
    } finally {
      await server.admin.query('SET GLOBAL sql_mode = DEFAULT');
    }
    expect((await rows('SELECT name FROM weft.people ORDER BY id')).map((r) => r.name)).toEqual([
      'ann',
      'bob',
      'cy',
      "x\\'); DROP TABLE people; -- ",
      "x\\'); DROP TABLE people; -- 2",
    ]);
  });

  it('a $n with no value fails, naming it', async () => {
    await expect(run({ operation: 'executeQuery', query: 'SELECT $2', queryReplacement: 'a' })).rejects.toThrow(
      'Parameter $2 referenced in query but no replacement value provided at index 2',
    );
  });

  it('a syntax error is named by its line, as n8n does', async () => {
    await expect(run({ operation: 'executeQuery', query: 'SELECT 1;\nSELEC 2' })).rejects.toThrow(
      "You have an error in your SQL syntax on line 1 near 'SELEC 2'",
    );
  });
});

describe('MySQL: select, insert, update, upsert, delete', () => {
  const cases: {
    name: string;
    params: Record<string, unknown>;
    input?: Record<string, unknown>[];
    out: Record<string, unknown>[];
    table?: Record<string, unknown>[];
  }[] = [
    {
      name: 'select: where, OR, sort, limit, output columns',
      params: {
        operation: 'select',
        table: 'people',
        outputColumns: 'name, age',
        where: [
          { column: 'age', condition: '>=', value: '30' },
          { column: 'name', condition: 'LIKE', value: 'b%' },
        ],
        combineConditions: 'OR',
        sort: [{ column: 'age', direction: 'DESC' }],
        limit: 2,
      },
      out: [
        { name: 'cy', age: 41 },
        { name: 'ann', age: 30 },
      ],
    },
    {
      name: 'select distinct, return all, IS NULL',
      params: {
        operation: 'select',
        table: 'weft.people',
        outputColumns: 'born',
        selectDistinct: true,
        returnAll: true,
        where: [{ column: 'big', condition: 'IS NULL' }],
      },
      out: [{ born: null }],
    },
    {
      name: 'insert, single query: every item in one INSERT, a missing field NULL',
      params: { operation: 'insert', table: 'people' },
      input: [{ name: 'dee', age: 5 }, { name: 'eve' }],
      out: [{ success: true }],
      table: [
        { name: 'dee', age: 5 },
        { name: 'eve', age: null },
      ],
    },
    {
      name: 'insert: columns set on the node, skip on conflict (INSERT IGNORE)',
      params: {
        operation: 'insert',
        table: 'people',
        dataMode: 'defineBelow',
        valuesToSend: [
          { column: 'name', value: '={{ $json.n }}' },
          { column: 'age', value: '7' },
        ],
        skipOnConflict: true,
        queryBatching: 'independently',
      },
      input: [{ n: 'ann' }, { n: 'fay' }],
      out: [{ success: true }, { success: true }],
      table: [{ name: 'fay', age: 7 }],
    },
    {
      name: 'update: the row whose column matches',
      params: { operation: 'update', table: 'people', columnToMatchOn: 'name' },
      input: [{ name: 'bob', age: 26 }],
      out: [{ success: true }],
      table: [{ name: 'bob', age: 26 }],
    },
    {
      name: 'upsert: updates on a duplicate key, inserts otherwise',
      params: { operation: 'upsert', table: 'people', columnToMatchOn: 'name' },
      input: [
        { name: 'cy', age: 42 },
        { name: 'gus', age: 9 },
      ],
      out: [{ success: true }],
      table: [
        { name: 'cy', age: 42 },
        { name: 'gus', age: 9 },
      ],
    },
    {
      name: 'delete: the matching rows',
      params: {
        operation: 'deleteTable',
        table: 'people',
        deleteCommand: 'delete',
        where: [{ column: 'age', condition: '<', value: '30' }],
      },
      out: [{ success: true }],
      table: [],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const out = await run(c.params, c.input);
      expect(jsons(out)).toEqual(c.out);
      if (c.table) {
        const names = c.table.map((r) => r.name as string);
        const where = names.length === 0 ? "name = 'bob'" : `name IN (${names.map((n) => `'${n}'`).join(',')})`;
        expect(await rows(`SELECT name, age FROM weft.people WHERE ${where} ORDER BY id`)).toEqual(c.table);
      }
    });

  it('truncate and drop', async () => {
    await run({ operation: 'deleteTable', table: 'people', deleteCommand: 'truncate' });
    expect(await rows('SELECT * FROM weft.people')).toEqual([]);
    await run({ operation: 'deleteTable', table: 'people', deleteCommand: 'drop' });
    expect(await rows("SHOW TABLES FROM weft LIKE 'people'")).toEqual([]);
  });

  it('names: schema.table, a part in backticks as it stands, a backtick never closes the quoting', async () => {
    await server.admin.query('CREATE TABLE weft.`we ird` (v INT)');
    await run({ operation: 'insert', table: 'weft.`we ird`' }, [{ v: 1 }]);
    expect(await rows('SELECT v FROM weft.`we ird`')).toEqual([{ v: 1 }]);
    await expect(
      run({ operation: 'select', table: 'people` WHERE 1; DROP TABLE people; --', outputColumns: 'name`, age' }),
    ).rejects.toThrow(/command denied|doesn't exist|Unknown/);
    expect(await rows('SELECT count(*) AS n FROM weft.people')).toEqual([{ n: 3 }]);
  });

  it('a comparison with text that is not a number fails as n8n’s', async () => {
    await expect(
      run({ operation: 'select', table: 'people', where: [{ column: 'age', condition: '>', value: 'old' }] }),
    ).rejects.toThrow("Operator in entry 1 of 'Select Rows' works with numbers, but value old is not a number");
  });
});

describe('MySQL: query batching', () => {
  const two = [{ name: 'ann' }, { name: 'hal' }];
  it('single: the statements run in order until one fails (MySQL has no implicit transaction)', async () => {
    await expect(
      run({ operation: 'insert', table: 'people', queryBatching: 'single' }, [{ name: 'hal' }, { name: 'hal' }]),
    ).rejects.toThrow(/Duplicate entry 'hal'/);
    expect(await rows("SELECT name FROM weft.people WHERE name = 'hal'")).toEqual([]);
  });

  it('transaction: the first failure undoes the others', async () => {
    await expect(
      run({ operation: 'insert', table: 'people', queryBatching: 'transaction' }, [{ name: 'ivy' }, ...two]),
    ).rejects.toThrow(/Duplicate entry 'ann'/);
    expect(await rows("SELECT name FROM weft.people WHERE name IN ('ivy', 'hal')")).toEqual([]);
  });

  it('independently: each on its own; with "continue", the failed item is named', async () => {
    await expect(
      run({ operation: 'insert', table: 'people', queryBatching: 'independently' }, two, {
        onError: 'continueRegularOutput',
      }),
    ).rejects.toMatchObject({ failed: [{ index: 0, message: expect.stringMatching(/Duplicate entry/) as unknown }] });
    expect(await rows("SELECT name FROM weft.people WHERE name = 'hal'")).toEqual([{ name: 'hal' }]);
  });
});

describe('MySQL: the connection', () => {
  it('a canceled run ends its statement on the server', async () => {
    const cancel = new AbortController();
    const started = Date.now();
    const running = run({ operation: 'executeQuery', query: 'SELECT SLEEP(20)' }, [{}], { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 300);
    await expect(running).rejects.toThrow('The run was canceled');
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleeping = async () =>
      (await rows("SELECT count(*) AS n FROM information_schema.processlist WHERE info = 'SELECT SLEEP(20)'"))[0];
    for (let i = 0; i < 50 && (await sleeping())?.n !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sleeping()).toEqual({ n: 0 });
  });

  it('a run waiting for a connection (all 4 busy) ends at its cancel', async () => {
    const busy = new AbortController();
    const sleepers = Array.from({ length: 4 }, () =>
      run({ operation: 'executeQuery', query: 'SELECT SLEEP(20)' }, [{}], { signal: busy.signal }).catch(
        (e: unknown) => e,
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const cancel = new AbortController();
    const started = Date.now();
    const waiting = run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 200);
    await expect(waiting).rejects.toThrow('The run was canceled');
    expect(Date.now() - started).toBeLessThan(2_000);
    busy.abort();
    await Promise.all(sleepers);
    // The pool still serves.
    expect(jsons(await run({ operation: 'executeQuery', query: 'SELECT 1 AS one' }))).toEqual([{ one: 1 }]);
  });

  it('at most 4 connections per login, reused across runs whatever their number options', async () => {
    // From none: earlier tests' connections (a canceled run's among them) are gone first.
    await closeMySqlPools();
    const weft = async () =>
      Number((await rows("SELECT count(*) AS n FROM information_schema.processlist WHERE user = 'weft'"))[0]?.n);
    for (let i = 0; i < 50 && (await weft()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await weft()).toBe(0);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    await Promise.all(
      // How numbers come out differs from run to run: still one pool.
      Array.from({ length: 12 }, (_, i) =>
        run({
          operation: 'executeQuery',
          query: 'SELECT SLEEP(0.05)',
          largeNumbersOutput: i % 2 === 0 ? 'text' : 'numbers',
          decimalNumbers: i % 3 === 0,
        }),
      ),
    );
    // Each connection is given its error listener once, not once per run.
    await Promise.all(Array.from({ length: 48 }, () => run({ operation: 'executeQuery', query: 'SELECT 1' })));
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([]);
    const [count] = await rows("SELECT count(*) AS n FROM information_schema.processlist WHERE user = 'weft'");
    expect(Number(count?.n)).toBeGreaterThan(0);
    expect(Number(count?.n)).toBeLessThanOrEqual(4);
  });

  it('what a run sets for its session does not reach the next run', async () => {
    await run({
      operation: 'executeQuery',
      query: "SET @mark = 'left'; BEGIN; INSERT INTO people (name) VALUES ('open')",
    });
    expect(jsons(await run({ operation: 'executeQuery', query: 'SELECT @mark AS mark' }))).toEqual([{ mark: null }]);
    expect(await rows("SELECT name FROM weft.people WHERE name = 'open'")).toEqual([]);
  });

  it('a connection the server closes mid-query fails the run clearly; the next run gets a fresh one', async () => {
    const running = run({ operation: 'executeQuery', query: 'SELECT SLEEP(5) AS s' });
    const sleeping = async () =>
      (await rows("SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(5) AS s'"))[0]?.id;
    let id: unknown;
    for (let i = 0; i < 50 && (id = await sleeping()) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    // The expectation holds the run's rejection before the kill: the run may fail before the kill's answer comes.
    const failed = expect(running).rejects.toThrow(/Connection lost|closed the connection|Lost connection/i);
    await server.admin.query('KILL CONNECTION ?', [id]);
    await failed;
    expect(jsons(await run({ operation: 'executeQuery', query: 'SELECT 2 AS two' }))).toEqual([{ two: 2 }]);
  });

  it('the network policy refuses 127.0.0.1 unless allowed, naming the setting', async () => {
    await expect(run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { policy: 'default' })).rejects.toThrow(
      /MySQL server may not be reached: .*WEFT_HTTP_ALLOW/,
    );
  });

  it('a wrong password is the server’s error; a dead server is "Connection refused"', async () => {
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { credential: credential({ password: 'nope' }) }),
    ).rejects.toThrow(/Access denied for user 'weft'/);
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { credential: credential({ port: 1 }) }),
    ).rejects.toThrow('Connection refused');
  });

  it('TLS from a server without it fails clearly', async () => {
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], { credential: credential({ ssl: true }) }),
    ).rejects.toThrow('Server does not support secure connection');
  });
});

describe('MySQL: TLS', () => {
  let tls: TestMariaDb;
  beforeAll(async () => {
    tls = await startTestMariaDb({ tls: true });
  }, 60_000);
  afterAll(async () => {
    await closeMySqlPools();
    await tls.stop();
  });
  const over = (c: Partial<MySql>) => ({ credential: credential({ port: tls.port, ...c }) });

  it('ssl: the certificate is checked (a self-signed one fails)', async () => {
    await expect(
      run({ operation: 'executeQuery', query: 'SELECT 1 AS one' }, [{}], over({ ssl: true })),
    ).rejects.toThrow(/self[- ]signed/i);
  });

  it('ignore certificate issues: TLS, unchecked', async () => {
    const out = await run(
      { operation: 'executeQuery', query: "SHOW SESSION STATUS LIKE 'Ssl_version'" },
      [{}],
      over({ ssl: true, allowUnauthorizedCerts: true }),
    );
    expect(jsons(out)[0]?.Value).toMatch(/^TLS/);
  });

  it('no ssl: plain', async () => {
    const out = await run(
      { operation: 'executeQuery', query: "SHOW SESSION STATUS LIKE 'Ssl_version'" },
      [{}],
      over({}),
    );
    expect(jsons(out)).toEqual([{ Variable_name: 'Ssl_version', Value: '' }]);
  });
});

describe('MySQL: import', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [{ id: 'm', name: 'M', type: 'n8n-nodes-base.mySql', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });
  const rl = (value: string) => ({ __rl: true, mode: 'list', value, cachedResultName: value });

  it('2.5 insert: the table locator, values to send, options flat', () => {
    const result = imported(2.5, {
      table: rl('people'),
      dataMode: 'defineBelow',
      valuesToSend: { values: [{ column: 'name', value: '={{ $json.n }}' }] },
      options: { queryBatching: 'transaction', skipOnConflict: true, priority: 'HIGH_PRIORITY', detailedOutput: true },
    });
    expect(result.definition.nodes[0]?.type).toBe('mySql');
    expect(result.definition.nodes[0]?.parameters).toEqual({
      operation: 'insert',
      table: 'people',
      dataMode: 'defineBelow',
      valuesToSend: [{ column: 'name', value: '={{ $json.n }}' }],
      queryBatching: 'transaction',
      skipOnConflict: true,
      priority: 'HIGH_PRIORITY',
      detailedOutput: true,
    });
    expect(result.warnings).toEqual([]);
  });

  it('2.4 select: where, sort, output columns; the $1-in-quotes difference is named', () => {
    const result = imported(2.4, {
      operation: 'select',
      table: rl('people'),
      where: { values: [{ column: 'age', condition: '>', value: 20 }] },
      sort: { values: [{ column: 'age' }] },
      options: { outputColumns: ['name', 'age'], selectDistinct: true },
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      operation: 'select',
      table: 'people',
      where: [{ column: 'age', condition: '>', value: '20' }],
      sort: [{ column: 'age', direction: 'DESC' }],
      outputColumns: 'name,age',
      selectDistinct: true,
    });
    expect(result.warnings).toEqual([]);
  });

  it('2 execute query: the older versions’ differences and an unsupported option are named', () => {
    const result = imported(2, {
      operation: 'executeQuery',
      query: 'SELECT $1',
      options: { queryReplacement: '={{ $json.a }}', connectionLimit: 3 },
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      operation: 'executeQuery',
      query: 'SELECT $1',
      queryReplacement: '={{ $json.a }}',
    });
    const said = JSON.stringify(result.warnings);
    for (const part of ['Connection Limit', 'success: true', 'as a number', 'inside quotes', 'dates'])
      expect(said).toContain(part);
  });
});
