import { stringify } from 'qs';
import { Headers } from 'undici';
import { isJsonObject, type JsonObject } from '#shared/runs/items.ts';
import { setHeaderList } from '../net/outbound-client.ts';
import { NodeError } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * What HTTP Request sends, built from one item's parameters as n8n's HTTP
 * Request 3–4.x builds it (through its request library): query and form
 * fields encoded by `qs` (spaces as %20, lists as `a[0]=…` unless told
 * otherwise), a field list folded into an object (a repeated name keeps its
 * last value, or all of them as a list where n8n 4.3 does), JSON body fields
 * nested by their dotted names, JSON text fields parsed with n8n's error
 * message, and a body written as n8n's client writes it: objects as JSON,
 * text as it is — except text sent as application/json, which goes out as
 * it is only when it is valid JSON and is quoted as a JSON string otherwise.
 * n8n 1–2's legacy client differs where `legacyBodies` says (JSON fields,
 * the body's content type), and a MIME type of its own may be set.
 */

export interface BuiltRequest {
  url: URL;
  method: string;
  headers: Headers;
  body?: string;
}

type Fields = Record<string, unknown>;

/**
 * n8n's `parseJsonParameter`: a "JSON …" field's value goes through
 * JSON.parse, whatever its type (an object from an expression becomes
 * "[object Object]" and fails, as in n8n); only the JSON body takes an object
 * as it is.
 */
const parseJsonField = (value: unknown, label: string, index: number, objects = false): unknown => {
  if (objects && typeof value === 'object' && value !== null) return value;
  try {
    return JSON.parse(String(value)) as unknown;
  } catch {
    throw new NodeError(`item ${index + 1}: the value in the "${label}" field is not valid JSON`);
  }
};

const asFields = (value: unknown): Fields => (isJsonObject(value) ? value : {});

/** A header value as n8n's client writes it (lists go out one line per value: setHeaderList), as String(). */
const headerText = (value: unknown): string => String(value);

/** A header list's entry as n8n's client writes it: a list within joined by commas, null as "null" in it too. */
const listText = (value: unknown): string => (Array.isArray(value) ? value.map(listText).join(',') : String(value));

/** A value an expression left undefined is not sent, as in n8n. */
const fieldRows = (value: unknown): { name: string; value: unknown }[] =>
  Array.isArray(value)
    ? (value as { name?: unknown; value?: unknown }[]).map((r) => ({ name: str(r.name, ''), value: r.value }))
    : [];

type Repeated = 'last' | 'list' | 'afterText';

/**
 * A list of name/value rows as one object: a later row replaces an earlier
 * one, or joins it in a list — after any value (n8n 4.3+), or only after text
 * or a list (n8n 1–2's query, where a number or an object is replaced).
 */
const fold = (rows: { name: string; value: unknown }[], repeated: Repeated): Fields => {
  const out: Fields = {};
  for (const { name, value } of rows) {
    const before = out[name];
    const joins =
      repeated === 'list'
        ? // n8n 4.3+ (updadeQueryParameterConfig): a name whose value so far is undefined takes the next value as it is.
          before !== undefined
        : repeated === 'afterText' && (typeof before === 'string' || Array.isArray(before));
    if (!joins) out[name] = value;
    else out[name] = Array.isArray(before) ? [...(before as unknown[]), value] : [before, value];
  }
  return out;
};

/**
 * How a repeated name is sent, by part: `queryList` is n8n 1–2's (the query
 * makes a list after text, headers and fields keep the last value).
 */
const repeatedFor = (p: JsonObject, part: 'query' | 'other'): Repeated => {
  if (p.repeatedNames === 'list') return 'list';
  if (p.repeatedNames === 'queryList') return part === 'query' ? 'afterText' : 'last';
  return 'last';
};

/**
 * A "JSON …" field: parsed (n8n 3+), or — with `legacyBodies`, as n8n
 * 1–2 — an object from an expression taken as it is and an empty field left
 * out (undefined; an expression giving undefined still fails, as in n8n).
 */
const jsonField = (p: JsonObject, value: unknown, label: string, index: number): unknown => {
  if (p.legacyBodies !== true) return parseJsonField(value, label, index);
  if (value === '') return undefined;
  return parseJsonField(value, label, index, true);
};

/** lodash's `set` on a dotted path, as n8n 4+ nests JSON body fields (`a.b` → `{ a: { b } }`). */
const setDotted = (target: Fields, path: string, value: unknown): void => {
  const keys = path.split('.');
  let at: Fields = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      at[key] = value;
      return;
    }
    const next = at[key];
    if (!isJsonObject(next)) at[key] = {};
    at = at[key] as Fields;
  });
};

/** How n8n's HTTP client writes a body it was given as text or as an object. */
const bodyText = (data: unknown, contentType: string | null): string => {
  if (typeof data !== 'string') return JSON.stringify(data);
  if (!contentType?.includes('application/json')) return data;
  try {
    JSON.parse(data);
    return data.trim();
  } catch {
    return JSON.stringify(data);
  }
};

const urlOf = (value: unknown, index: number): URL => {
  if (typeof value !== 'string')
    throw new NodeError(`item ${index + 1}: the URL must be text, not ${value === null ? 'null' : typeof value}`);
  const text = value.trim();
  if (!text) throw new NodeError(`item ${index + 1}: the URL is empty`);
  if (!text.startsWith('http://') && !text.startsWith('https://'))
    throw new NodeError(`item ${index + 1}: "${text}" is not a URL that starts with http:// or https://`);
  try {
    return new URL(text);
  } catch {
    throw new NodeError(`item ${index + 1}: "${text}" is not a URL`);
  }
};

/** The JSON query's object; n8n 1–2's client also sends a list, by its indices (`0=a&1=b`). */
const jsonQueryOf = (p: JsonObject, index: number): Fields | unknown[] => {
  // With the raw body type n8n 1–2 do not parse the query's text at all: "null" or text that is no JSON does
  // not fail them (they send its characters as `0=…&1=…`); Weft sends what parses, and leaves the rest out.
  const unparsed = p.legacyBodies === true && p.contentType === 'raw' && typeof p.jsonQuery === 'string';
  if (unparsed) {
    try {
      const value = jsonField(p, p.jsonQuery, 'JSON Query Parameters', index);
      return Array.isArray(value) ? value : asFields(value);
    } catch {
      return {};
    }
  }
  const parsed = jsonField(p, p.jsonQuery, 'JSON Query Parameters', index);
  const value = notNull(p, parsed, 'JSON Query Parameters', index);
  return p.legacyBodies === true && Array.isArray(value) ? value : asFields(value);
};

/** n8n 1–2 fail on query parameters that are null (a TypeError in their client): so does Weft, saying why. */
const notNull = (p: JsonObject, value: unknown, label: string, index: number): unknown => {
  if (p.legacyBodies === true && value === null)
    throw new NodeError(`item ${index + 1}: the "${label}" field is null; give an object`);
  return value;
};

/** n8n 1–2 fail on headers that are no object (null, a number, text: a TypeError in their client): so does Weft. */
const legacyHeaders = (p: JsonObject, value: unknown, index: number): unknown => {
  if (p.legacyBodies === true && value !== undefined && (typeof value !== 'object' || value === null))
    throw new NodeError(
      `item ${index + 1}: the "JSON Headers" field gives ${value === null ? 'null' : typeof value}; give an object`,
    );
  return value;
};

const queryText = (query: Fields | unknown[], arrays: unknown): string => {
  const format = arrays === 'repeat' || arrays === 'brackets' ? arrays : 'indices';
  return stringify(query, { arrayFormat: format });
};

/** What n8n asks for, by response format. */
const ACCEPT: Record<string, string> = {
  json: 'application/json,text/*;q=0.99',
  text: 'application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, */*;q=0.1',
  autodetect: 'application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, image/*;q=0.8, */*;q=0.7',
};

const FORM = 'application/x-www-form-urlencoded';

/** Methods n8n sends without a converted body. */
const WITHOUT_BODY = new Set(['HEAD', 'OPTIONS', 'TRACE']);

export const buildRequest = (p: JsonObject, index: number): BuiltRequest => {
  const url = urlOf(p.url, index);
  const method = str(p.method, 'GET').toUpperCase();
  const repeated = repeatedFor(p, 'other');

  if (p.sendQuery === true) {
    const query =
      p.specifyQuery === 'json' ? jsonQueryOf(p, index) : fold(fieldRows(p.queryParameters), repeatedFor(p, 'query'));
    const text = Object.keys(query).length > 0 ? queryText(query, p.queryParameterArrays) : '';
    if (text) url.search = url.search ? `${url.search}&${text}` : `?${text}`;
  }

  const headers = new Headers();
  // Header names set to false: n8n's client (axios) sends no such header and adds no default of that name either.
  const unset = new Set<string>();
  if (p.sendHeaders === true) {
    const given =
      p.specifyHeaders === 'json'
        ? asFields(legacyHeaders(p, jsonField(p, p.jsonHeaders, 'JSON Headers', index), index))
        : fold(
            fieldRows(p.headerParameters).filter((h) => h.name !== ''),
            repeated,
          );
    for (const [name, value] of Object.entries(given)) {
      // n8n's client leaves out a header whose value is undefined, null or false (axios's AxiosHeaders).
      if (value === undefined || value === null || unset.has(name.toLowerCase())) continue;
      try {
        if (value === false) {
          // Set to false, a header stays unset: later rows of that name do not set it either (axios).
          unset.add(name.toLowerCase());
          headers.delete(name);
          continue;
        }
        if (Array.isArray(value)) setHeaderList(headers, name, value.map(listText));
        else headers.set(name, headerText(value));
      } catch {
        throw new NodeError(`item ${index + 1}: "${name}" is not a valid header name or value`);
      }
    }
  }

  // n8n 1–2's "MIME Type": the request's content type, whatever its body (a form still says it is a form).
  const mime = str(p.mimeType, '');
  // n8n 1–2's client decides how to write the body by the content type given first: a header's, else the MIME type.
  const firstType = headers.get('content-type') ?? (mime || null);
  if (mime) {
    try {
      headers.set('content-type', mime);
    } catch {
      throw new NodeError(`item ${index + 1}: "${mime}" is not a valid content type`);
    }
  }
  const free = (name: string) => !headers.has(name) && !unset.has(name);
  if (free('accept')) headers.set('accept', ACCEPT[str(p.responseFormat, '')] ?? ACCEPT.autodetect ?? '*/*');
  if (free('user-agent')) headers.set('user-agent', 'Weft');

  if (p.sendBody !== true) return { url, method, headers };
  const contentType = str(p.contentType, 'json');
  let data: unknown;
  if (contentType === 'json') {
    if (p.specifyBody === 'keypair') {
      const body: Fields = {};
      const rows = fieldRows(p.jsonBodyFields);
      if (p.bodyFieldPaths === false) Object.assign(body, fold(rows, repeated));
      else for (const r of rows) setDotted(body, r.name, r.value);
      data = body;
    } else
      data =
        p.legacyBodies === true
          ? jsonField(p, p.jsonBody, 'Body Parameters', index)
          : parseJsonField(p.jsonBody ?? '{}', 'JSON Body', index, true);
  } else if (contentType === 'form-urlencoded') {
    const form = formOf(p, repeated, index);
    if (form === undefined) return { url, method, headers };
    if (WITHOUT_BODY.has(method)) data = form;
    else {
      // n8n 1–2's client, given the form's content type first, keeps the headers (a MIME type after it is sent)
      // and repeats a list's name with "Use Querystring"; otherwise it says form, with lists by indices.
      const given = p.legacyBodies === true && firstType === FORM;
      const repeat = given && p.queryParameterArrays === 'repeat';
      if (!given) headers.set('content-type', FORM);
      const body = typeof form === 'string' ? form : stringify(form, repeat ? { arrayFormat: 'repeat' } : {});
      return { url, method, headers, body };
    }
  } else if (contentType === 'raw') {
    // No content type given: none is sent (n8n 1–2's raw body without a MIME type).
    const type = str(p.rawContentType, '');
    if (type) headers.set('content-type', type);
    if (!WITHOUT_BODY.has(method)) {
      return { url, method, headers, body: bodyText(str(p.body, ''), headers.get('content-type')) };
    }
  } else throw new NodeError(`the body type "${contentType}" is not supported`);
  // n8n 1–2's client: under a form content type header (exactly that), the body (or none: {}) is a form.
  if (p.legacyBodies === true && firstType === FORM && typeof data !== 'string') {
    const arrayFormat = p.queryParameterArrays === 'repeat' ? 'repeat' : 'indices';
    return { url, method, headers, body: stringify(data ?? {}, { arrayFormat }) };
  }
  if (data === undefined) return { url, method, headers };
  // n8n 1–2's client (`json: true`) says JSON for any body but empty text; n8n 3+ for objects only.
  const saysJson = typeof data !== 'string' || (p.legacyBodies === true && data !== '');
  if (saysJson && free('content-type')) headers.set('content-type', 'application/json');
  return { url, method, headers, body: bodyText(data, headers.get('content-type')) };
};

/**
 * A form's fields: rows, one text (`a=1&b=2`) or — n8n 1–2 — JSON, whose
 * object (or list) is encoded and whose text goes out as it is; undefined:
 * no form (an empty JSON field).
 */
const formOf = (p: JsonObject, repeated: Repeated, index: number): Fields | unknown[] | string | undefined => {
  if (p.formBody === 'string') return Object.fromEntries(new URLSearchParams(str(p.formText, '')));
  if (p.formBody !== 'json') return fold(fieldRows(p.bodyParameters), repeated);
  const value = jsonField(p, p.formJson, 'Body Parameters', index);
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return value as unknown[] | string;
  return asFields(value);
};
