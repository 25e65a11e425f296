import { type Mapper, type ParamReader, type Params } from '../param-reader.ts';

/**
 * MySQL 2 to 2.5 (resource "database"). Weft's node behaves as 2.5: the
 * older versions' differences are named where a workflow meets them. The
 * table comes out of n8n's resource locator; n8n's "options" come over flat.
 * Version 1 is not supported. The credential is chosen in Weft.
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

const mySql: Mapper = (r) => {
  const out: Params = {};
  if (r.version < 2) {
    r.problem('MySQL 1 is not supported in Weft yet; its parameters were left as they are');
    return out;
  }
  const resource = r.get('resource');
  if (resource !== undefined && resource !== 'database')
    r.problem(`the resource ${JSON.stringify(resource)} is unknown`);
  const operation = text(r.get('operation') ?? 'insert');
  out.operation = operation;
  const table = locator(r, 'table');
  if (table !== undefined) out.table = table;
  for (const name of [
    'query',
    'deleteCommand',
    'combineConditions',
    'returnAll',
    'limit',
    'dataMode',
    'columnToMatchOn',
    'valueToMatchOn',
  ]) {
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
    out.sort = sort.map((s) => ({ column: text(s.column), direction: s.direction === 'ASC' ? 'ASC' : 'DESC' }));
  const values = r.rows('valuesToSend.values').map((v) => ({ column: text(v.column), value: cell(r, v.value) }));
  if (values.length > 0) out.valuesToSend = values;

  for (const name of [
    'queryBatching',
    'queryReplacement',
    'largeNumbersOutput',
    'decimalNumbers',
    'priority',
    'replaceEmptyStrings',
    'selectDistinct',
    'detailedOutput',
    'skipOnConflict',
  ]) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = r.carry(value);
  }
  const outputColumns = r.get('options.outputColumns');
  if (Array.isArray(outputColumns)) out.outputColumns = outputColumns.map(text).join(',');
  // n8n's transport reads neither (mysql2's 10 s connect timeout, a pool per run): nothing to carry.
  r.get('options.connectionTimeoutMillis');
  const limit = r.get('options.connectionLimit');
  if (typeof limit === 'number' && limit !== 10)
    r.problem('the option "Connection Limit" is not supported in Weft: connections are pooled per credential (4)');

  if (r.version < 2.1)
    r.problem(`MySQL ${r.version} output dates as ISO text in UTC; Weft gives them as the server writes them (2.1+)`);
  if (r.version < 2.2 && (operation === 'executeQuery' || operation === 'select'))
    r.problem(
      `MySQL ${r.version} returned { success: true } for a query with no rows; Weft behaves as 2.2 and later (no item for a SELECT)`,
    );
  if (r.version < 2.3 && operation === 'executeQuery' && text(out.queryReplacement) !== '')
    r.problem(
      `MySQL ${r.version} sent every query parameter as text; Weft sends one that reads as a number as a number (2.3+)`,
    );
  if (r.version < 2.5 && operation === 'executeQuery')
    r.problem(`MySQL ${r.version} replaced $1 inside quotes too; Weft leaves '$1' in quotes as text (2.5)`);
  return out;
};

export const mysqlMappers: Record<string, Mapper> = { mySql };
