import pg from 'pg';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { OutboundRefused } from '../net/address-policy.ts';
import { resolveAllowed } from '../net/connect-policy.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { cancelRunning, poolFor } from './postgres-pool.ts';
import { highestPlaceholder, isSelectQuery } from './postgres-sql.ts';

/**
 * Postgres as n8n's Postgres node 2.6 (v2 actions/database/*.operation.ts):
 * the same SQL per operation, the same output per query batching, the same
 * errors. n8n formats values into the SQL text with pg-promise; Weft sends
 * every value as a query parameter and quotes every name with
 * pg.escapeIdentifier, so no value can change the statement.
 */

type Postgres = Extract<Credential, { type: 'postgres' }>;
type Row = Record<string, unknown>;

interface Query {
  text: string;
  values: unknown[];
  /** The item the query was built for. */
  item: number;
}

const ident = (name: unknown): string => pg.escapeIdentifier(str(name));
const tableName = (p: JsonObject) => `${ident(p.schema ?? 'public')}.${ident(p.table)}`;

/** Values gathered in order, each replaced by $n in the SQL. */
class Values {
  readonly list: unknown[] = [];
  add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }

  /**
   * A value that n8n's pg-promise writes as a typed literal: a number is an
   * integer (int, or bigint past int's range) or numeric, a boolean a
   * boolean, so a comparison with a text column fails as it does in n8n
   * ("operator does not exist: text = integer"). Text stays untyped.
   */
  typed(value: unknown): string {
    const at = this.add(value);
    if (typeof value === 'boolean') return `${at}::boolean`;
    if (typeof value !== 'number' || !Number.isFinite(value)) return at;
    if (!Number.isInteger(value)) return `${at}::numeric`;
    return Math.abs(value) < 2 ** 31 ? `${at}::int` : `${at}::bigint`;
  }
}

/** A parameter's text (what n8n's getNodeParameter would give a string field). */
const str = (value: unknown, fallback = ''): string => {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${value}`;
  return JSON.stringify(value);
};

const columnList = (text: unknown): string[] =>
  str(text)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const returning = (p: JsonObject): string => {
  const columns = columnList(p.outputColumns);
  return columns.length === 0 || columns.includes('*') ? ' RETURNING *' : ` RETURNING ${columns.map(ident).join(', ')}`;
};

const CONDITIONS = new Set(['equal', '=', '!=', 'LIKE', '>', '<', '>=', '<=', 'IS NULL', 'IS NOT NULL']);

const whereOf = (p: JsonObject, values: Values): string => {
  const rows = Array.isArray(p.where) ? p.where : [];
  if (rows.length === 0) return '';
  const combine = p.combineConditions === 'OR' ? ' OR ' : ' AND ';
  const parts = rows.map((row) => {
    const r = (row ?? {}) as JsonObject;
    const condition = typeof r.condition === 'string' ? r.condition : '';
    if (!CONDITIONS.has(condition) || r.column === undefined) throw new NodeError('Invalid where clause');
    const operator = condition === 'equal' ? '=' : condition;
    if (operator === 'IS NULL' || operator === 'IS NOT NULL') return `${ident(r.column)} ${operator}`;
    let value: unknown = r.value;
    // n8n compares numbers as numbers for the ordering operators.
    if (['>', '<', '>=', '<='].includes(operator) && String(value).trim() !== '' && !Number.isNaN(Number(value)))
      value = Number(value);
    return `${ident(r.column)} ${operator} ${values.typed(value)}`;
  });
  return ` WHERE ${parts.join(combine)}`;
};

const orderOf = (p: JsonObject): string => {
  const rules = Array.isArray(p.sort) ? (p.sort as JsonObject[]) : [];
  if (rules.length === 0) return '';
  return ` ORDER BY ${rules.map((r) => `${ident(r.column)} ${r.direction === 'DESC' ? 'DESC' : 'ASC'}`).join(', ')}`;
};

/**
 * n8n's executeQuery parameters (2.5+): what an expression gives is a list as
 * it is, JSON text as one value, other text split at commas; text typed in
 * (no expression) is split at commas, JSON or not.
 */
const replacementsOf = (raw: unknown, fromExpression: boolean): unknown[] => {
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw))
    return (raw as unknown[])
      .filter((v) => v !== undefined)
      .map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v));
  const text = str(raw);
  const split = () =>
    text
      .split(',')
      .filter((s) => s)
      .map((s) => s.trim());
  if (!fromExpression) return split();
  try {
    JSON.parse(text.trim());
    return [text];
  } catch {
    return split();
  }
};

const executeQueryOf = (p: JsonObject, item: number, fromExpression: boolean): Query => {
  let text = str(p.query);
  const values = replacementsOf(p.queryReplacement, fromExpression);
  if (values.length === 0 || p.treatQueryParametersInSingleQuotesAsText === true) {
    // n8n: '$1' in quotes is the text "$1", not a parameter.
    for (const literal of text.match(/'\$[0-9]+'/g) ?? []) {
      values.push(literal.replace(/'/g, ''));
      text = text.replace(literal, `$${values.length}`);
    }
  }
  // pg-promise (n8n) leaves values no placeholder takes; PostgreSQL refuses them, so they are not sent.
  return { text, values: values.slice(0, highestPlaceholder(text)), item };
};

const selectOf = (p: JsonObject, item: number): Query => {
  const values = new Values();
  const columns = columnList(p.outputColumns);
  const what = columns.length === 0 || columns.includes('*') ? '*' : columns.map(ident).join(', ');
  let text = `SELECT ${what} FROM ${tableName(p)}${whereOf(p, values)}${orderOf(p)}`;
  if (p.returnAll !== true) text += ` LIMIT ${values.add(Number(p.limit ?? 50))}`;
  return { text, values: values.list, item };
};

const deleteOf = (p: JsonObject, item: number): Query => {
  const cascade = p.cascade === true ? ' CASCADE' : '';
  switch (p.deleteCommand) {
    case 'drop':
      return { text: `DROP TABLE IF EXISTS ${tableName(p)}${cascade}`, values: [], item };
    case 'truncate':
      return {
        text: `TRUNCATE TABLE ${tableName(p)}${p.restartSequences === true ? ' RESTART IDENTITY' : ''}${cascade}`,
        values: [],
        item,
      };
    case 'delete': {
      const values = new Values();
      return { text: `DELETE FROM ${tableName(p)}${whereOf(p, values)}`, values: values.list, item };
    }
    default:
      throw new NodeError('Invalid delete command, only drop, delete and truncate are supported');
  }
};

interface ColumnInfo {
  column_name: string;
  data_type: string;
  is_nullable: string;
}

/** The row an item writes: its fields, or the columns set on the node. */
const rowOf = (p: JsonObject, json: JsonObject): Row => {
  if (p.mappingMode === 'defineBelow') {
    const row: Row = {};
    for (const r of Array.isArray(p.columnValues) ? (p.columnValues as JsonObject[]) : [])
      row[String(r.column)] = r.value;
    return row;
  }
  const row: Row = { ...json };
  if (p.replaceEmptyStrings === true) for (const k of Object.keys(row)) if (row[k] === '') row[k] = null;
  return row;
};

/** n8n's checkItemAgainstSchema and convertArraysToPostgresFormat; other lists and objects go as JSON. */
const checkedRow = (row: Row, columns: ColumnInfo[]): Row => {
  if (columns.length === 0) return row;
  const byName = new Map(columns.map((c) => [c.column_name, c]));
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    const column = byName.get(key);
    if (!column) throw new NodeError(`Column '${key}' does not exist in selected table`);
    if (value === null && column.is_nullable !== 'YES') throw new NodeError(`Column '${key}' is not nullable`);
    out[key] = value;
  }
  for (const column of columns) {
    if (!(column.column_name in out)) continue;
    let value = out[column.column_name];
    if (column.data_type.toUpperCase() === 'ARRAY') {
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value) as unknown;
        } catch {
          throw new NodeError(`Column '${column.column_name}' has to be an array`);
        }
      }
      if (Array.isArray(value)) {
        const entries = value.map((e: unknown) => {
          if (typeof e === 'number') return e;
          const s = str(e);
          return `"${s.replace(/"/g, '\\"')}"`;
        });
        out[column.column_name] = `{${entries.join(',')}}`;
      } else if (column.is_nullable === 'NO') {
        throw new NodeError(`Column '${column.column_name}' has to be an array`);
      }
    } else if (typeof value === 'object' && value !== null) {
      out[column.column_name] = JSON.stringify(value);
    }
  }
  return out;
};

const matchColumnsOf = (p: JsonObject): string[] => {
  const columns = columnList(p.matchingColumns);
  if (columns.length === 0) throw new NodeError('Choose the columns to match on');
  return columns;
};

const insertOf = (p: JsonObject, row: Row, item: number): Query => {
  const values = new Values();
  const keys = Object.keys(row);
  let text =
    keys.length === 0
      ? `INSERT INTO ${tableName(p)} DEFAULT VALUES`
      : `INSERT INTO ${tableName(p)}(${keys.map(ident).join(',')}) VALUES(${keys.map((k) => values.add(row[k])).join(',')})`;
  if (keys.length > 0 && p.skipOnConflict === true) text += ' ON CONFLICT DO NOTHING';
  return { text: text + returning(p), values: values.list, item };
};

const updateOf = (p: JsonObject, row: Row, match: string[], item: number): Query => {
  const values = new Values();
  const conditions = match.map((c) => `${ident(c)} = ${values.typed(row[c])}`);
  const updates = Object.keys(row).filter((c) => !match.includes(c));
  if (updates.length === 0)
    throw new NodeError(
      "Add values to update to the input item or set the 'Data Mode' to 'Define Below' to define the values to update.",
    );
  const set = updates.map((c) => `${ident(c)} = ${values.add(row[c])}`);
  return {
    text: `UPDATE ${tableName(p)} SET ${set.join(', ')} WHERE ${conditions.join(' AND ')}${returning(p)}`,
    values: values.list,
    item,
  };
};

const upsertOf = (p: JsonObject, row: Row, match: string[], item: number): Query => {
  const values = new Values();
  const keys = Object.keys(row);
  const insert = `INSERT INTO ${tableName(p)}(${keys.map(ident).join(',')}) VALUES(${keys.map((k) => values.add(row[k])).join(',')})`;
  const updates = keys.filter((c) => !match.includes(c)).map((c) => `${ident(c)} = ${values.add(row[c])}`);
  const action = updates.length > 0 ? ` DO UPDATE SET ${updates.join(', ')}` : ' DO NOTHING';
  return {
    text: `${insert} ON CONFLICT (${match.map(ident).join(',')})${action}${returning(p)}`,
    values: values.list,
    item,
  };
};

/** pg's error in n8n's words (parsePostgresError): connection failures named, the server's detail kept. */
const failureOf = (e: unknown, c: Postgres, query?: Query): NodeError => {
  if (e instanceof NodeError) return e;
  if (e instanceof OutboundRefused) return new NodeError(`The Postgres server may not be reached: ${e.message}`);
  const err = e as { message?: unknown; code?: unknown; detail?: unknown; hint?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  const where = `${c.host}:${c.port}`;
  if (err.code === 'ECONNREFUSED') return new NodeError('Connection refused', where);
  if (err.code === 'ENOTFOUND') return new NodeError('Host not found', where);
  // pg's own connect timeouts carry no code; a server's statement timeout has its SQLSTATE and stays as it is.
  if (err.code === 'ETIMEDOUT' || (err.code === undefined && /timeout/i.test(message)))
    return new NodeError('Connection timed out', where);
  const detail = typeof err.detail === 'string' ? err.detail : typeof err.hint === 'string' ? err.hint : undefined;
  return new NodeError(message, detail ?? (query ? `Failed query: ${query.text}` : undefined));
};

const credentialOf = async (ctx: NodeContext): Promise<Postgres> => {
  const id = ctx.node.credentials?.postgres ?? Object.values(ctx.node.credentials ?? {})[0];
  if (!id) throw new NodeError('Choose a PostgreSQL credential for this node');
  const credential = await ctx.credential(id);
  if (credential.type !== 'postgres')
    throw new NodeError(`The credential is not a PostgreSQL database (it is ${credential.type})`);
  return credential;
};

/** n8n's "Numbers" for large numbers: BIGINT as an integer, NUMERIC as a float. */
const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === 20) return (v: string) => Number.parseInt(v, 10);
    if (oid === 1700) return (v: string) => Number.parseFloat(v);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- any type OID the server sends
    return pg.types.getTypeParser(oid, format ?? 'text') as unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

const toJson = (row: unknown): JsonObject => JSON.parse(JSON.stringify(row)) as JsonObject;

const rowsOf = (result: pg.QueryResult | pg.QueryResult[]): Row[] =>
  (Array.isArray(result) ? result : [result]).flatMap((r) => r.rows as Row[]);

export const postgres: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const first = params[0] ?? {};
  const operation = str(first.operation, 'insert');
  const batching = str(first.queryBatching, 'single');
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const c = await credentialOf(ctx);
  let pool: pg.Pool;
  try {
    const target = await resolveAllowed(c.host, c.port, ctx.outbound.policy);
    pool = poolFor(c, target, Math.max(1, Number(first.connectionTimeout ?? 30)) * 1000);
  } catch (e) {
    throw failureOf(e, c);
  }
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw failureOf(e, c);
  }
  // A canceled run cancels its query on the server; the connection is closed, not handed back.
  let broken: Error | undefined;
  const stop = () => {
    broken = new Error('canceled');
    void cancelRunning(pool, client).then((sent) => {
      if (!sent) void client.end().catch(() => undefined);
    });
  };
  ctx.signal.addEventListener('abort', stop, { once: true });
  const types = first.largeNumbersOutput === 'numbers' ? numberTypes : undefined;
  const run = (q: { text: string; values: unknown[] }) =>
    client.query(
      q.values.length > 0
        ? { text: q.text, values: q.values, ...(types ? { types } : {}) }
        : { text: q.text, ...(types ? { types } : {}) },
    ) as Promise<pg.QueryResult | pg.QueryResult[]>;
  try {
    const failed: { index: number; message: string }[] = [];
    const queries: Query[] = [];
    if (operation === 'executeQuery') {
      const raw = (ctx.node.parameters as JsonObject | undefined)?.queryReplacement;
      const fromExpression = typeof raw !== 'string' || raw.startsWith('=');
      params.forEach((p, i) => queries.push(executeQueryOf(p, i, fromExpression)));
    } else if (operation === 'select') params.forEach((p, i) => queries.push(selectOf(p, i)));
    else if (operation === 'deleteTable') params.forEach((p, i) => queries.push(deleteOf(p, i)));
    else if (operation === 'insert' || operation === 'update' || operation === 'upsert') {
      const schemas = new Map<string, ColumnInfo[]>();
      for (const [i, p] of params.entries()) {
        try {
          const key = JSON.stringify([p.schema ?? 'public', p.table]);
          let columns = schemas.get(key);
          if (!columns) {
            columns = (
              await run({
                text: 'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
                values: [str(p.schema, 'public'), str(p.table)],
              }).then(rowsOf)
            ).map((r) => r as unknown as ColumnInfo);
            schemas.set(key, columns);
          }
          const raw = rowOf(p, ctx.items[i]?.json ?? {});
          if (operation === 'insert') {
            queries.push(insertOf(p, checkedRow(raw, columns), i));
            continue;
          }
          const match = matchColumnsOf(p);
          if (operation === 'upsert') {
            if (!raw[match[0] as string])
              throw new NodeError(
                "Column to match on not found in input item. Add a column to match on or set the 'Data Mode' to 'Define Below' to define the value to match on.",
              );
            if (Object.keys(raw).length === 1)
              throw new NodeError(
                "Add values to update or insert to the input item or set the 'Data Mode' to 'Define Below' to define the values to insert or update.",
              );
            queries.push(upsertOf(p, checkedRow(raw, columns), match, i));
            continue;
          }
          const matchValues = new Values();
          const where = match.map((m) => `${ident(m)} = ${matchValues.typed(raw[m])}`).join(' AND ');
          const exists = rowsOf(
            await run({
              text: `SELECT EXISTS(SELECT 1 FROM ${tableName(p)} WHERE ${where}) AS "exists"`,
              values: matchValues.list,
            }),
          )[0];
          if (exists?.exists !== true)
            throw new NodeError(
              "The row you are trying to update doesn't exist",
              `No rows matching the provided values (${match.map((m) => `${m}=${str(raw[m])}`).join(', ')}) were found in the table "${str(p.table)}".`,
            );
          queries.push(updateOf(p, checkedRow(raw, columns), match, i));
        } catch (e) {
          const failure = failureOf(e, c);
          if (!goOn) throw failure;
          failed.push({ index: i, message: failure.message });
        }
      }
      // n8n: a failed item stops the others unless each runs on its own.
      if (failed.length > 0 && batching !== 'independently') throw new ItemErrors({ [MAIN]: [] }, failed);
    } else throw new NodeError(`The operation "${operation}" is not supported`);

    const out: Item[] = [];
    const emptyOf = (q: Query) =>
      (operation === 'executeQuery' ? isSelectQuery(q.text) : operation === 'select') ? [] : [{ success: true }];
    if (batching === 'single') {
      // n8n sends every query as one multi-statement text: all of them or none.
      const several = queries.length > 1;
      let current: Query | undefined;
      try {
        if (several) await client.query('BEGIN');
        // n8n pairs each statement's rows with the statement's place in its one multi-statement text
        // (one statement per item: the item; a query of several statements: past the items).
        let statement = 0;
        for (const q of queries) {
          current = q;
          const result = await run(q);
          for (const r of Array.isArray(result) ? result : [result]) {
            for (const row of r.rows as Row[]) out.push(pairedWith({ json: toJson(row) }, { item: statement }));
            statement++;
          }
        }
        if (several) await client.query('COMMIT');
      } catch (e) {
        if (several && !ctx.signal.aborted) await client.query('ROLLBACK').catch(() => undefined);
        const failure = failureOf(e, c, current);
        if (!goOn) throw failure;
        throw new ItemErrors({ [MAIN]: [] }, [
          ...failed,
          ...queries.map((q) => ({ index: q.item, message: failure.message })),
        ]);
      }
      if (out.length === 0 && !queries.every((q) => emptyOf(q).length === 0))
        out.push(
          pairedWith(
            { json: { success: true } },
            queries.map((q) => ({ item: q.item })),
          ),
        );
    } else {
      const inTransaction = batching === 'transaction';
      if (inTransaction) await client.query('BEGIN');
      let rolledBack = false;
      for (const q of queries) {
        try {
          const rows = rowsOf(await run(q));
          for (const row of rows.length > 0 ? rows : emptyOf(q))
            out.push(pairedWith({ json: toJson(row) }, { item: q.item }));
        } catch (e) {
          const failure = failureOf(e, c, q);
          if (inTransaction && !ctx.signal.aborted) {
            await client.query('ROLLBACK').catch(() => undefined);
            rolledBack = true;
          }
          if (!goOn) throw failure;
          failed.push({ index: q.item, message: failure.message });
          // n8n's transaction stops at the first failure (and nothing of it is kept).
          if (inTransaction) break;
        }
      }
      if (inTransaction && !rolledBack) await client.query('COMMIT');
    }
    if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
    return { [MAIN]: out };
  } catch (e) {
    // A connection that failed mid-way may sit in a transaction: it is closed, not handed back.
    broken ??= e instanceof Error ? e : new Error(String(e));
    if (ctx.signal.aborted) throw new NodeError('The run was canceled');
    if (e instanceof ItemErrors) throw e;
    throw failureOf(e, c);
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    // What a query set for its session (SET, prepared statements, temp tables) does not follow the connection
    // into the next run; one left in a transaction it opened is closed instead of handed back.
    if (!broken)
      await client.query('DISCARD ALL').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error('DISCARD ALL failed');
      });
    client.release(broken);
  }
};
