import { type Mapper, type ParamReader, type Params } from '../param-reader.ts';

/**
 * Postgres 2 to 2.7 (resource "database"). Weft's node behaves as 2.6 and
 * 2.7 (the same code in n8n): the older versions' differences are named
 * where a workflow meets them. Schema and table come out of n8n's resource
 * locators; the resource mapper (2.2 and later) or the older data mode with
 * values to send become Weft's columns; n8n's "options" come over flat. The
 * credential is chosen in Weft (the import says so for every credential).
 */

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? `${value}` : '';

/** A value for a row of Weft's lists, which hold text: an expression stays as it is. */
const cell = (r: ParamReader, value: unknown): string => {
  const v = r.carry(value);
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : text(v);
};

/** A resource locator's value (n8n: `{ __rl, mode, value, cachedResultName }`), or the plain string. */
const locator = (r: ParamReader, name: string): string | undefined => {
  const value = r.get(name);
  if (typeof value !== 'object' || value === null) return value === undefined ? undefined : text(value);
  for (const key of Object.keys(value)) if (key !== 'value') r.get(`${name}.${key}`);
  return text(r.get(`${name}.value`));
};

const postgres: Mapper = (r) => {
  const out: Params = {};
  if (r.version < 2) {
    r.problem('Postgres 1 is not supported in Weft yet; its parameters were left as they are');
    return out;
  }
  const resource = r.get('resource');
  if (resource !== undefined && resource !== 'database')
    r.problem(`the resource ${JSON.stringify(resource)} is unknown`);
  const operation = text(r.get('operation') ?? 'insert');
  out.operation = operation;
  const schema = locator(r, 'schema');
  if (schema !== undefined) out.schema = schema;
  const table = locator(r, 'table');
  if (table !== undefined) out.table = table;
  for (const name of ['query', 'deleteCommand', 'restartSequences', 'combineConditions', 'returnAll', 'limit']) {
    const value = r.get(name);
    if (value !== undefined) out[name] = r.carry(value);
  }
  const where = r.rows('where.values');
  if (where.length > 0)
    out.where = where.map((w) => ({
      column: text(w.column),
      condition: text(w.condition ?? 'equal'),
      value: cell(r, w.value),
    }));
  const sort = r.rows('sort.values');
  if (sort.length > 0)
    out.sort = sort.map((s) => ({ column: text(s.column), direction: s.direction === 'DESC' ? 'DESC' : 'ASC' }));

  // Columns: the resource mapper (2.2 on) or the data mode (2 and 2.1).
  if (r.version >= 2.2) {
    const mode = r.get('columns.mappingMode');
    if (mode !== undefined) out.mappingMode = text(mode);
    const value = r.get('columns.value');
    if (typeof value === 'object' && value !== null && out.mappingMode === 'defineBelow')
      out.columnValues = Object.keys(value).map((column) => ({
        column,
        value: cell(r, r.get(`columns.value.${column}`)),
      }));
    else if (value !== undefined) r.carry(value);
    const matching = r.get('columns.matchingColumns');
    if (Array.isArray(matching) && matching.length > 0) out.matchingColumns = matching.map(text).join(',');
    // What n8n's editor keeps about the table's columns, and its type-conversion switches: nothing to run.
    for (const name of ['schema', 'attemptToConvertTypes', 'convertFieldsToString']) r.carry(r.get(`columns.${name}`));
  } else {
    const mode = r.get('dataMode');
    if (mode !== undefined) out.mappingMode = text(mode);
    const rows = r.rows('valuesToSend.values').map((v) => ({ column: text(v.column), value: cell(r, v.value) }));
    const match = r.get('columnToMatchOn');
    if (match !== undefined) out.matchingColumns = text(match);
    const matchValue = r.get('valueToMatchOn');
    if (out.mappingMode === 'defineBelow' && match !== undefined && matchValue !== undefined)
      rows.push({ column: text(match), value: cell(r, matchValue) });
    if (rows.length > 0) out.columnValues = rows;
  }

  for (const name of [
    'queryBatching',
    'queryReplacement',
    'treatQueryParametersInSingleQuotesAsText',
    'largeNumbersOutput',
    'skipOnConflict',
    'replaceEmptyStrings',
    'cascade',
    'connectionTimeout',
  ]) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = r.carry(value);
  }
  const outputColumns = r.get('options.outputColumns');
  if (Array.isArray(outputColumns)) out.outputColumns = outputColumns.map(text).join(',');
  const delay = r.get('options.delayClosingIdleConnection');
  if (typeof delay === 'number' && delay > 0)
    r.problem(
      'the option "Delay Closing Idle Connection" is not supported in Weft: connections are pooled per credential (idle 10 s)',
    );

  if (r.version < 2.3 && (operation === 'executeQuery' || operation === 'select'))
    r.problem(
      `Postgres ${r.version} returned { success: true } for a query with no rows; Weft behaves as 2.3 and later (no item for a SELECT)`,
    );
  if (r.version < 2.5 && operation === 'executeQuery' && text(out.queryReplacement) !== '')
    r.problem(
      `Postgres ${r.version} split the query parameters at commas after resolving each expression; Weft resolves them first (as 2.5 and later)`,
    );
  return out;
};

export const postgresMappers: Record<string, Mapper> = { postgres };
