import { closePostgresPools } from '../../src/nodes/postgres-pool.ts';
import { startPostgres } from '../../../shared/test/support/throwaway-postgres.ts';
import type { Family } from './differ.ts';
import { shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Postgres 2.5 to 2.7 against one throwaway PostgreSQL that both engines
 * use in turn (n8n's run, then Weft's). Every case starts from the same
 * table: "Before" (a Postgres Execute Query, run by each engine) drops and
 * re-creates `t` with three rows and hands on the case's items as rows
 * (jsonb_to_recordset), so the node under test always meets the same state.
 * Its output is compared: the rows selected or RETURNING, `{ success: true }`,
 * or the error (PostgreSQL's own message in both).
 */

let port = 0;
const credential = () => ({
  host: '127.0.0.1',
  port,
  database: 'weft',
  user: 'weft',
  password: '',
  ssl: 'disable',
  allowUnauthorizedCerts: false,
});

const NAMES = ['ann', 'bob', 'cy', 'dee', "o'hara", 'x"y', 'zed'];
const NOTES = [null, '', 'n', "it's", 'x'];
const rl = (value: string) => ({ __rl: true, mode: 'list', value });

const setupQuery = (items: Params[]) =>
  [
    'DROP TABLE IF EXISTS public.t',
    'CREATE TABLE public.t (id int PRIMARY KEY, name text UNIQUE, age int, note text)',
    "INSERT INTO public.t VALUES (1, 'ann', 30, NULL), (2, 'bob', 25, 'x'), (3, 'cy', 41, '')",
    `SELECT * FROM jsonb_to_recordset($j$${JSON.stringify(items)}$j$::jsonb) AS x(id int, name text, age int, note text)`,
  ].join(';\n');

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
  ['INSERT INTO t (id, name) VALUES ($1, $2) RETURNING *', '={{ $json.id + 10 }}, {{ $json.name }}'],
  ['SELECT count(*)::int AS n FROM t', undefined],
  ['SELECT count(*)::int AS n FROM t WHERE id > $1', '1, 2, 3'],
  ['SELECT $1::text AS a', '["x","y"]'],
  ['SELECT $1::text AS a', '={{ JSON.stringify([$json.name]) }}'],
  ["SELECT '$1' AS lit, name FROM t ORDER BY id LIMIT 1", undefined],
  ['DELETE FROM t WHERE id > 2', undefined],
  ['SELECT * FROM t WHERE name = $1', '={{ $json.name }}'],
];

export const postgresCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([2.5, 2.6, 2.7]);
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
  if (operation !== 'executeQuery') {
    parameters.schema = rl('public');
    parameters.table = rl('t');
  }
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
    if (rng.chance(0.3)) options.outputColumns = ['name', 'age'];
  } else if (operation === 'deleteTable') {
    parameters.deleteCommand = rng.pick(['delete', 'truncate', 'drop']);
    if (parameters.deleteCommand === 'delete') parameters.where = whereOf(rng);
    if (parameters.deleteCommand === 'truncate' && rng.chance(0.5)) parameters.restartSequences = true;
  } else {
    const defineBelow = rng.chance(0.4);
    const matching = operation === 'insert' ? [] : [rng.pick(['id', 'id', 'name'])];
    parameters.columns = {
      mappingMode: defineBelow ? 'defineBelow' : 'autoMapInputData',
      value: defineBelow
        ? {
            id: '={{ $json.id }}',
            note: rng.pick(['changed', '={{ $json.name }}']),
            ...(matching[0] === 'name' ? { name: '={{ $json.name }}' } : {}),
          }
        : {},
      matchingColumns: matching,
      schema: [],
    };
    if (operation === 'insert' && rng.chance(0.3)) options.skipOnConflict = true;
    if (rng.chance(0.3)) options.outputColumns = ['id', 'note'];
    if (rng.chance(0.2)) options.replaceEmptyStrings = true;
  }
  if (Object.keys(options).length > 0) parameters.options = options;
  return {
    family: 'postgres',
    seed,
    type: 'postgres',
    typeVersion,
    parameters,
    items,
    before: {
      type: 'postgres',
      typeVersion: 2.6,
      parameters: { operation: 'executeQuery', query: setupQuery(items) },
      credentials: { postgres: credential() },
    },
    credentials: { postgres: credential() },
  };
};

export const postgresFamily: Family = {
  name: 'postgres',
  generate: postgresCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'postgres',
      String(c.typeVersion),
      typeof c.parameters.operation === 'string' ? c.parameters.operation : 'insert',
      ...Object.keys(c.parameters).sort(),
    ].join(' '),
  setup: async () => {
    const server = await startPostgres();
    port = server.port;
    return async () => {
      await closePostgresPools();
      await server.stop();
    };
  },
};
