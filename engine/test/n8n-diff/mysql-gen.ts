import { closeMySqlPools } from '../../src/nodes/mysql-pool.ts';
import { startTestMariaDb } from '../../../shared/test/support/throwaway-mariadb.ts';
import type { Family } from './differ.ts';
import { shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * MySQL 2.5 against one throwaway MariaDB that both engines use in turn
 * (n8n's run, then Weft's; cases run one after another). Every case starts
 * from the same table: "Before" (a MySQL Execute Query, run by each engine)
 * hands on each item as a row and drops and re-creates `t` with three rows
 * (its fields as query parameters), so the node under test always meets the
 * same state. Its output is compared: the rows, `{ success: true }`, the
 * detailed output, or the error (the server's own message in both).
 */

let port = 0;
const credential = () => ({
  host: '127.0.0.1',
  port,
  database: 'weft',
  user: 'weft',
  password: 'weft',
  ssl: false,
  allowUnauthorizedCerts: false,
});

// Quotes come in pairs: n8n splits its formatted text at a ';' only when the single quotes after it pair up, so a
// value with one quote makes it miscount statements and put out the server's result headers as items (Weft splits
// the text before any value is bound).
const NAMES = ['ann', 'bob', 'cy', 'dee', "o'h'ara", 'x"y', 'back\\slash', 'zed'];
const NOTES = [null, '', 'n', "'it'", 'x'];
const rl = (value: string) => ({ __rl: true, mode: 'list', value });

// The row first: n8n's splitter reads the text after each ';', where its values would be.
const SETUP = [
  'SELECT $1 AS id, $2 AS name, $3 AS age, $4 AS note',
  'DROP TABLE IF EXISTS t',
  'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50) UNIQUE, age INT, note VARCHAR(50), score FLOAT, big BIGINT, price DECIMAL(8,2))',
  "INSERT INTO t VALUES (1, 'ann', 30, NULL, 1.1, 9007199254740993, 1.50), (2, 'bob', 25, 'x', 0.1234567, 7, NULL), (3, 'cy', 41, '', NULL, NULL, 2.25)",
].join('; ');

const CONDITIONS = ['equal', '!=', 'LIKE', '>', '<', '>=', '<=', 'IS NULL', 'IS NOT NULL'];
const COLUMNS = ['id', 'name', 'age', 'note'];

const whereOf = (rng: Rng) => ({
  values: Array.from({ length: 1 + rng.int(2) }, () => ({
    column: rng.pick(COLUMNS),
    condition: rng.pick(CONDITIONS),
    value: rng.pick(['2', '30', 'ann', '%n%', 'x', '={{ $json.id }}']),
  })),
});

const QUERIES: [string, string | undefined][] = [
  ['SELECT * FROM t WHERE age > $1 ORDER BY id', '20'],
  ['SELECT * FROM t WHERE id = $1', '={{ $json.id }}'],
  ['UPDATE t SET note = $1 WHERE id = $2', '={{ $json.name }}, {{ $json.id }}'],
  ['INSERT INTO t (id, name) VALUES ($1, $2)', '={{ $json.id + 10 }}, {{ $json.name }}'],
  ['SELECT count(*) AS n FROM t', undefined],
  ['SELECT count(*) AS n FROM t WHERE id > $1', '1, 2, 3'],
  ["SELECT '$1' AS lit, name FROM t ORDER BY id LIMIT 1", 'x'],
  ['SELECT $1:name FROM t ORDER BY id', 'name'],
  ['DELETE FROM t WHERE id > 2', undefined],
  ['SELECT * FROM t WHERE name = $1', '={{ $json.name }}'],
  ['SELECT id, score, big, price FROM t WHERE id < $1 ORDER BY id', '9'],
  ['SELECT id, score, big, price FROM t ORDER BY id', undefined],
  ['SELECT * FROM t WHERE id = $1; SELECT count(*) AS n FROM t', '={{ $json.id }}'],
  ['SELECT $1 AS v', '={{ $json.age }}'],
  ['SELECT $3 AS c', '1, 2'],
];

export const mysqlCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = 2.5;
  const items = Array.from({ length: 1 + rng.int(3) }, () => ({
    id: 1 + rng.int(6),
    name: rng.pick(NAMES),
    age: rng.chance(0.2) ? null : 18 + rng.int(40),
    note: rng.pick(NOTES),
  }));
  const operation = rng.pick(['executeQuery', 'select', 'insert', 'update', 'upsert', 'deleteTable']);
  const parameters: Params = { operation };
  const options: Params = {};
  if (rng.chance(0.6)) options.queryBatching = rng.pick(['single', 'independently', 'transaction']);
  if (rng.chance(0.2)) options.detailedOutput = true;
  if (rng.chance(0.2)) options.largeNumbersOutput = rng.pick(['numbers', 'text']);
  if (rng.chance(0.15)) options.decimalNumbers = true;
  if (operation !== 'executeQuery') parameters.table = rl('t');
  if (operation === 'executeQuery') {
    const [query, replacement] = rng.pick(QUERIES);
    parameters.query = query;
    if (replacement !== undefined) options.queryReplacement = replacement;
  } else if (operation === 'select') {
    if (rng.chance(0.7)) parameters.where = whereOf(rng);
    if (rng.chance(0.5)) parameters.combineConditions = rng.pick(['AND', 'OR']);
    parameters.sort = { values: [{ column: rng.pick(COLUMNS), direction: rng.pick(['ASC', 'DESC']) }] };
    if (rng.chance(0.3)) parameters.returnAll = true;
    else parameters.limit = 1 + rng.int(4);
    if (rng.chance(0.3)) options.outputColumns = rng.pick([['name', 'age'], ['*'], ['score', 'big', 'price']]);
    if (rng.chance(0.2)) options.selectDistinct = true;
  } else if (operation === 'deleteTable') {
    parameters.deleteCommand = rng.pick(['delete', 'truncate', 'drop']);
    if (parameters.deleteCommand === 'delete') parameters.where = whereOf(rng);
  } else {
    const defineBelow = rng.chance(0.4);
    parameters.dataMode = defineBelow ? 'defineBelow' : 'autoMapInputData';
    if (operation !== 'insert') parameters.columnToMatchOn = rng.pick(['id', 'id', 'name']);
    if (defineBelow) {
      parameters.valuesToSend = {
        values: [
          ...(operation === 'insert' ? [{ column: 'id', value: '={{ $json.id }}' }] : []),
          { column: 'note', value: rng.pick(['changed', '={{ $json.name }}', '']) },
        ],
      };
      if (operation !== 'insert')
        parameters.valueToMatchOn = parameters.columnToMatchOn === 'name' ? '={{ $json.name }}' : '={{ $json.id }}';
    }
    if (operation === 'insert' && rng.chance(0.3)) options.skipOnConflict = true;
    if (operation === 'insert' && rng.chance(0.2)) options.priority = rng.pick(['LOW_PRIORITY', 'HIGH_PRIORITY']);
    if (rng.chance(0.2)) options.replaceEmptyStrings = true;
  }
  if (Object.keys(options).length > 0) parameters.options = options;
  return {
    family: 'mysql',
    seed,
    type: 'mySql',
    typeVersion,
    parameters,
    items,
    before: {
      type: 'mySql',
      typeVersion: 2.5,
      parameters: {
        operation: 'executeQuery',
        query: SETUP,
        options: { queryReplacement: '={{ [$json.id, $json.name, $json.age, $json.note] }}' },
      },
      credentials: { mySql: credential() },
    },
    credentials: { mySql: credential() },
  };
};

export const mysqlFamily: Family = {
  name: 'mysql',
  generate: mysqlCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'mysql',
      typeof c.parameters.operation === 'string' ? c.parameters.operation : 'insert',
      ...Object.keys(c.parameters).sort(),
    ].join(' '),
  setup: async () => {
    const server = await startTestMariaDb();
    port = server.port;
    return async () => {
      await closeMySqlPools();
      await server.stop();
    };
  },
};
