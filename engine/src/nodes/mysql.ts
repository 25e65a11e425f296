import mysql from 'mysql2/promise';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { OutboundRefused } from '../net/address-policy.ts';
import { resolveAllowed } from '../net/connect-policy.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { killRunning, mysqlPoolFor } from './mysql-pool.ts';
import { allSelects, escapeName, placeholderCount, prepareQuery, splitStatements } from './mysql-sql.ts';

/**
 * MySQL as n8n's MySQL node 2.5 (v2 actions/database/*.operation.ts): the
 * same statements per operation, the same output per query batching, the
 * same errors. n8n formats the values into the text (mysql2's format); Weft
 * binds them in prepared statements, so no value, whatever the server's
 * sql_mode, can change a statement.
 */

type MySql = Extract<Credential, { type: 'mysql' }>;
type Row = Record<string, unknown>;

interface Statement {
  sql: string;
  values: unknown[];
}

/** One item's statements: a query of several statements is split, each with its own values. */
interface Query {
  statements: Statement[];
  /** The item it was built for; n8n's single-query insert has none (it pairs with item 0). */
  item: number;
}

const str = (value: unknown, fallback = ''): string => {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${value}`;
  return JSON.stringify(value);
};

const name = (value: unknown) => escapeName(str(value));

/** A value as a bound parameter: lists and objects as JSON text (n8n's format would write `key = value` pairs). */
const bindable = (value: unknown): unknown =>
  value === undefined ? null : typeof value === 'object' && value !== null ? JSON.stringify(value) : value;

const queryOf = (sql: string, values: unknown[], item: number): Query => {
  const statements: Query['statements'] = [];
  let next = 0;
  for (const statement of splitStatements(sql, false)) {
    const count = placeholderCount(statement);
    statements.push({ sql: statement, values: values.slice(next, next + count).map(bindable) });
    next += count;
  }
  return { statements, item };
};

const CONDITIONS = new Set(['equal', '=', '!=', 'LIKE', '>', '<', '>=', '<=', 'IS NULL', 'IS NOT NULL']);

/** n8n's getWhereClauses and addWhereClauses, to the letter (its spacing too: it shows in detailed output). */
const whereOf = (p: JsonObject, values: unknown[]): string => {
  const rows = Array.isArray(p.where) ? (p.where as unknown[]) : [];
  if (rows.length === 0) return '';
  const clauses = rows.map((row) => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as JsonObject;
    if (!('column' in r) || typeof r.condition !== 'string' || !CONDITIONS.has(r.condition))
      throw new NodeError('Invalid where clause');
    return r;
  });
  const combine = p.combineConditions === 'OR' ? 'OR' : 'AND';
  let where = ' WHERE';
  clauses.forEach((clause, index) => {
    const condition = clause.condition === 'equal' ? '=' : str(clause.condition);
    let value: unknown = clause.value ?? '';
    if (['>', '<', '>=', '<='].includes(condition)) {
      value = Number(value);
      if (Number.isNaN(value))
        throw new NodeError(
          `Operator in entry ${index + 1} of 'Select Rows' works with numbers, but value ${str(clause.value)} is not a number`,
        );
    }
    let placeholder = ' ';
    if (condition !== 'IS NULL' && condition !== 'IS NOT NULL') {
      placeholder = ' ?';
      values.push(value);
    }
    where += ` ${name(clause.column)} ${condition}${placeholder}${index === clauses.length - 1 ? '' : ` ${combine}`}`;
  });
  return where;
};

const orderOf = (p: JsonObject): string => {
  const rules = Array.isArray(p.sort) ? (p.sort as JsonObject[]) : [];
  if (rules.length === 0) return '';
  return ` ORDER BY${rules.map((r, i) => ` ${name(r.column)} ${r.direction === 'ASC' ? 'ASC' : 'DESC'}${i === rules.length - 1 ? '' : ','}`).join('')}`;
};

const columnList = (text: unknown): string[] =>
  (Array.isArray(text) ? (text as unknown[]).map((c) => str(c)) : str(text).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** n8n (2.3+): a query parameter that reads as a non-zero number is sent as one. */
const numberish = (value: unknown): unknown => (Number(value) ? Number(value) : value);

const executeQueryOf = (p: JsonObject, item: number): Query => {
  // n8n: `options.queryReplacement || []`.
  const raw: unknown = p.queryReplacement || '';
  let replacements: unknown[];
  if (typeof raw === 'string') replacements = raw === '' ? [] : raw.split(',').map((e) => e.trim());
  else if (Array.isArray(raw)) replacements = raw as unknown[];
  else throw new NodeError('Query Replacement must be a string of comma-separated values, or an array of values');
  let prepared;
  try {
    prepared = prepareQuery(str(p.query), replacements);
  } catch (e) {
    throw new NodeError(e instanceof Error ? e.message : String(e));
  }
  return queryOf(prepared.sql, prepared.values.map(numberish), item);
};

const selectOf = (p: JsonObject, item: number): Query => {
  const columns = columnList(p.outputColumns);
  const what = columns.length === 0 || columns.includes('*') ? '*' : columns.map(name).join(', ');
  const values: unknown[] = [];
  let sql = `${p.selectDistinct === true ? 'SELECT DISTINCT' : 'SELECT'} ${what} FROM ${name(p.table)}`;
  sql += whereOf(p, values);
  sql += orderOf(p);
  if (p.returnAll !== true) {
    sql += ' LIMIT ?';
    values.push(Number(p.limit ?? 50));
  }
  return { statements: [{ sql, values: values.map(bindable) }], item };
};

const deleteOf = (p: JsonObject, item: number): Query => {
  const table = name(p.table);
  if (p.deleteCommand === 'drop') return { statements: [{ sql: `DROP TABLE IF EXISTS ${table}`, values: [] }], item };
  if (p.deleteCommand === 'truncate') return { statements: [{ sql: `TRUNCATE TABLE ${table}`, values: [] }], item };
  if (p.deleteCommand === 'delete') {
    const values: unknown[] = [];
    const sql = `DELETE FROM ${table}${whereOf(p, values)}`;
    return { statements: [{ sql, values: values.map(bindable) }], item };
  }
  throw new NodeError('Invalid delete command, only drop, delete and truncate are supported ');
};

/** The columns set on the node (n8n's "values to send"). */
const valuesToSend = (p: JsonObject): Row => {
  const row: Row = {};
  for (const r of Array.isArray(p.valuesToSend) ? (p.valuesToSend as JsonObject[]) : []) row[str(r.column)] = r.value;
  return row;
};

const emptyToNull = (json: JsonObject, replace: boolean): Row => {
  const row: Row = { ...json };
  if (replace) for (const k of Object.keys(row)) if (row[k] === '') row[k] = null;
  return row;
};

const insertHead = (p: JsonObject) =>
  `INSERT ${str(p.priority)} ${p.skipOnConflict === true ? 'IGNORE' : ''} INTO ${name(p.table)}`;

/** Single query: one INSERT of every item (the columns of them all; a missing field is NULL). */
const insertAllOf = (p: JsonObject, params: JsonObject[], rows: Row[]): Query => {
  const picked =
    p.dataMode === 'defineBelow'
      ? params.map(valuesToSend)
      : (() => {
          const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
          return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] === undefined ? null : r[c]])));
        })();
  const columns = [...new Set(picked.flatMap((r) => Object.keys(r)))];
  const placeholder = `(${columns.map(() => '?').join(',')})`;
  const sql = `${insertHead(p)} (${columns.map(name).join(', ')}) VALUES ${rows.map(() => placeholder).join(',')}`;
  return { statements: [{ sql, values: picked.flatMap((r) => Object.values(r)).map(bindable) }], item: 0 };
};

const insertOneOf = (p: JsonObject, row: Row, item: number): Query => {
  const data = p.dataMode === 'defineBelow' ? valuesToSend(p) : row;
  const columns = Object.keys(data);
  const sql = `${insertHead(p)} (${columns.map(name).join(', ')}) VALUES (${columns.map(() => '?').join(',')})`;
  return { statements: [{ sql, values: Object.values(data).map(bindable) }], item };
};

const updateOf = (p: JsonObject, row: Row, item: number): Query => {
  const match = str(p.columnToMatchOn);
  const data = p.dataMode === 'defineBelow' ? valuesToSend(p) : row;
  const matchValue = p.dataMode === 'defineBelow' ? p.valueToMatchOn : row[match];
  const columns = Object.keys(data).filter((c) => c !== match);
  const values = [...columns.map((c) => data[c]), matchValue];
  const sql = `UPDATE ${name(p.table)} SET ${columns.map((c) => `${name(c)} = ?`).join(', ')} WHERE ${name(match)} = ?`;
  return { statements: [{ sql, values: values.map(bindable) }], item };
};

const upsertOf = (p: JsonObject, row: Row, item: number): Query => {
  const match = str(p.columnToMatchOn);
  const data = p.dataMode === 'defineBelow' ? { ...valuesToSend(p), [match]: p.valueToMatchOn } : row;
  const columns = Object.keys(data);
  const updates = columns.filter((c) => c !== match);
  const sql =
    `INSERT INTO ${name(p.table)}(${columns.map(name).join(', ')}) VALUES(${columns.map(() => '?').join(',')})` +
    ` ON DUPLICATE KEY UPDATE ${updates.map((c) => `${name(c)} = ?`).join(', ')}`;
  const values = [...columns.map((c) => data[c]), ...updates.map((c) => data[c])];
  return { statements: [{ sql, values: values.map(bindable) }], item };
};

/** mysql2's error in n8n's words (parseMySqlError): a syntax error named by its line, a refused connection named. */
const failureOf = (e: unknown, c: MySql, textsOf: () => readonly string[] = () => []): NodeError => {
  if (e instanceof NodeError) return e;
  if (e instanceof OutboundRefused) return new NodeError(`The MySQL server may not be reached: ${e.message}`);
  const err = e as { message?: unknown; code?: unknown; sql?: unknown };
  let message = typeof err.message === 'string' && err.message !== '' ? err.message : String(err.code ?? e);
  const where = `${c.host}:${c.port}`;
  if (err.code === 'ECONNREFUSED' || message.includes('ECONNREFUSED'))
    return new NodeError('Connection refused', where);
  if (err.code === 'ENOTFOUND') return new NodeError('Host not found', where);
  if (err.code === 'ETIMEDOUT') return new NodeError('Connection timed out', where);
  if (message.toLowerCase().includes('you have an error in your sql syntax')) {
    const failed = ((message.split("near '")[1] ?? '').split("' at")[0] ?? '').split(';')[0] ?? '';
    const text = failed === '' ? undefined : textsOf().find((t) => t.includes(failed));
    const line = text?.split('\n').findIndex((l) => l.includes(failed)) ?? -1;
    if (line !== -1) message = `You have an error in your SQL syntax on line ${line + 1} near '${failed}'`;
  }
  const code = typeof err.code === 'string' ? err.code : undefined;
  return new NodeError(message, typeof err.sql === 'string' ? `sql: ${err.sql}, code: ${code}` : code);
};

const credentialOf = async (ctx: NodeContext): Promise<MySql> => {
  const id = ctx.node.credentials?.mySql ?? Object.values(ctx.node.credentials ?? {})[0];
  if (!id) throw new NodeError('Choose a MySQL credential for this node');
  const credential = await ctx.credential(id);
  if (credential.type !== 'mysql')
    throw new NodeError(`The credential is not a MySQL database (it is ${credential.type})`);
  return credential;
};

const DECIMAL = 0;
const NEWDECIMAL = 246;
const FLOAT = 4;
/** SERVER_MORE_RESULTS_EXISTS in a result's server status. */
const MORE_RESULTS = 8;

/**
 * Numbers as n8n's text protocol gives them. A statement with values goes
 * through the binary protocol, which hands a FLOAT column over as the
 * float's exact double (1.100000023841858), where the text protocol gives
 * the server's 6 digits (1.1). DECIMAL is text unless asked as a number
 * (mysql2's decimalNumbers, which is a pool setting: done here per run).
 */
const numbersOf = (
  rows: Row[],
  fields: readonly { name: string; type?: number; columnType?: number }[] | undefined,
  options: { binary: boolean; decimals: boolean },
): Row[] => {
  const typeOf = (f: { type?: number; columnType?: number }) => f.columnType ?? f.type;
  const floats = options.binary ? (fields ?? []).filter((f) => typeOf(f) === FLOAT).map((f) => f.name) : [];
  const decimals = options.decimals
    ? (fields ?? []).filter((f) => typeOf(f) === DECIMAL || typeOf(f) === NEWDECIMAL).map((f) => f.name)
    : [];
  if (floats.length === 0 && decimals.length === 0) return rows;
  for (const row of rows) {
    for (const f of floats) {
      const v = row[f];
      if (typeof v === 'number') row[f] = Number(v.toPrecision(6));
    }
    for (const f of decimals) {
      const v = row[f];
      if (typeof v === 'string') row[f] = Number.parseFloat(v);
    }
  }
  return rows;
};

type Result = Row[] | Row;

/**
 * A connection of the pool, or the run's cancel if that comes first (all of
 * the login's connections may be busy for a long time): one that arrives
 * after the cancel goes straight back.
 */
const connectionOf = (pool: mysql.Pool, signal: AbortSignal): Promise<mysql.PoolConnection> =>
  new Promise((resolve, reject) => {
    const canceled = () => reject(new NodeError('The run was canceled'));
    if (signal.aborted) {
      canceled();
      return;
    }
    signal.addEventListener('abort', canceled, { once: true });
    pool.getConnection().then(
      (conn) => {
        signal.removeEventListener('abort', canceled);
        if (signal.aborted) conn.release();
        else resolve(conn);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', canceled);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

const toJson = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

export const mySql: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const first = params[0] ?? {};
  const operation = str(first.operation, 'insert');
  const batching = str(first.queryBatching, 'single');
  const detailed = first.detailedOutput === true;
  // n8n's largeNumbersOutput (BIGINT as text) and decimalNumbers (DECIMAL as a number).
  const bigNumberStrings = first.largeNumbersOutput === 'text';
  const decimals = first.decimalNumbers === true;
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const c = await credentialOf(ctx);

  // The queries, before any connection (a parameter error needs no server).
  const failed: { index: number; message: string }[] = [];
  const queries: Query[] = [];
  const build = (i: number, f: () => Query) => {
    try {
      queries.push(f());
    } catch (e) {
      const failure = failureOf(e, c);
      if (!goOn) throw failure;
      failed.push({ index: i, message: failure.message });
    }
  };
  const rows = ctx.items.map((item) => emptyToNull(item.json, first.replaceEmptyStrings === true));
  if (operation === 'executeQuery') params.forEach((p, i) => build(i, () => executeQueryOf(p, i)));
  else if (operation === 'select') params.forEach((p, i) => build(i, () => selectOf(p, i)));
  else if (operation === 'deleteTable') params.forEach((p, i) => build(i, () => deleteOf(p, i)));
  else if (operation === 'insert') {
    if (batching === 'single') build(0, () => insertAllOf(first, params, rows));
    else params.forEach((p, i) => build(i, () => insertOneOf(p, rows[i] ?? {}, i)));
  } else if (operation === 'update') params.forEach((p, i) => build(i, () => updateOf(p, rows[i] ?? {}, i)));
  else if (operation === 'upsert') params.forEach((p, i) => build(i, () => upsertOf(p, rows[i] ?? {}, i)));
  else throw new NodeError(`The operation "${operation}" is not supported`);
  if (queries.length === 0) {
    if (failed.length > 0) throw new ItemErrors({ [MAIN]: [] }, failed);
    return { [MAIN]: [] };
  }

  let pool: mysql.Pool;
  let conn: mysql.PoolConnection;
  try {
    const target = await resolveAllowed(c.host, c.port, ctx.outbound.policy);
    const seconds = Number(first.connectionTimeout ?? 10);
    pool = mysqlPoolFor(c, target, Number.isFinite(seconds) ? Math.min(300, Math.max(1, seconds)) * 1000 : 10_000);
    conn = await connectionOf(pool, ctx.signal);
  } catch (e) {
    throw failureOf(e, c);
  }
  // A canceled run stops its statement on the server; the connection is closed, not handed back.
  const state = { broken: false };
  const threadId = conn.threadId;
  const stop = () => {
    state.broken = true;
    void killRunning(pool, threadId).then((sent) => {
      if (!sent) conn.destroy();
    });
  };
  ctx.signal.addEventListener('abort', stop, { once: true });

  // What detailed output shows as a statement's SQL: n8n's text with the values written in, newlines taken out.
  const label = (s: Statement) =>
    mysql
      .format(s.sql, s.values as mysql.SqlValue[])
      .replace(/\n/g, '')
      .trim();
  const runOne = async (s: Statement): Promise<Result> => {
    try {
      const [result, fields] =
        s.values.length === 0
          ? await conn.query({ sql: s.sql, bigNumberStrings })
          : await conn.execute({ sql: s.sql, values: s.values, bigNumberStrings });
      return Array.isArray(result)
        ? numbersOf(result as Row[], fields, { binary: s.values.length > 0, decimals })
        : (result as unknown as Row);
    } catch (e) {
      // Not the server's answer to the statement (no SQL state): the connection is not handed back.
      if (!(e as { sqlState?: unknown }).sqlState) state.broken = true;
      throw e;
    }
  };

  /** n8n's prepareOutput: rows as items, or with detailed output each statement's result; `{ success }` when nothing. */
  const outputOf = (responses: Result[], statements: Statement[], paired: { item: number }[]): Item[] => {
    const out: Item[] = [];
    if (detailed)
      responses.forEach((data, i) => {
        const statement = statements[i];
        out.push(pairedWith({ json: toJson({ sql: statement && label(statement), data }) }, paired));
      });
    else
      responses
        .filter((r) => Array.isArray(r))
        .forEach((r, i) => {
          // The i-th result's rows go with the i-th query's item (n8n's pairing in a single query).
          const own = paired.length === 1 ? paired : paired.slice(i, i + 1);
          const with_ = own.length > 0 ? own : paired.slice(-1);
          for (const row of r) out.push(pairedWith({ json: toJson(row) }, with_));
        });
    if (out.length === 0 && !allSelects(statements.map((st) => st.sql)))
      out.push(pairedWith({ json: { success: true } }, paired));
    return out;
  };

  const out: Item[] = [];
  try {
    if (batching === 'single') {
      // n8n sends every query as one multi-statement text: statements run in order until one fails.
      const all = queries.flatMap((q) => q.statements).filter((s) => s.sql !== '');
      const responses: Result[] = [];
      try {
        for (const s of all) responses.push(await runOne(s));
      } catch (e) {
        const failure = failureOf(e, c, () => all.map(label));
        if (!goOn) throw failure;
        throw new ItemErrors({ [MAIN]: [] }, [
          ...failed,
          ...queries.map((q) => ({ index: q.item, message: failure.message })),
        ]);
      }
      // n8n's one text of several statements: the server flags every result but the last "more results" (8).
      responses.forEach((r, i) => {
        if (i < responses.length - 1 && !Array.isArray(r) && typeof r.serverStatus === 'number')
          r.serverStatus |= MORE_RESULTS;
      });
      out.push(
        ...outputOf(
          responses,
          all,
          queries.map((q) => ({ item: q.item })),
        ),
      );
    } else {
      const inTransaction = batching === 'transaction';
      if (inTransaction) await conn.query('BEGIN');
      for (const q of queries) {
        try {
          const responses: Result[] = [];
          for (const s of q.statements) if (s.sql !== '') responses.push(await runOne(s));
          out.push(...outputOf(responses, q.statements, [{ item: q.item }]));
        } catch (e) {
          const failure = failureOf(e, c, () => q.statements.map(label));
          if (inTransaction && !ctx.signal.aborted) await conn.query('ROLLBACK').catch(() => undefined);
          if (!goOn) throw failure;
          failed.push({ index: q.item, message: failure.message });
          // n8n's transaction stops at the first failure (nothing of it is kept).
          if (inTransaction) break;
        }
      }
      if (inTransaction && !failed.some((f) => queries.some((q) => q.item === f.index))) await conn.query('COMMIT');
    }
    if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
    return { [MAIN]: out };
  } catch (e) {
    if (ctx.signal.aborted) throw new NodeError('The run was canceled');
    if (e instanceof ItemErrors) throw e;
    throw failureOf(e, c);
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    // Handed back, the pool resets it (resetOnRelease): session settings, temporary tables, open transactions.
    if (state.broken) conn.destroy();
    else conn.release();
  }
};
