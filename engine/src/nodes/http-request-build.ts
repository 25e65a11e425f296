import { stringify } from 'qs';
import { Headers } from 'undici';
import { isJsonObject, type JsonObject } from '../runner/items.ts';
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

/** A value an expression left undefined is not sent, as in n8n. */
const fieldRows = (value: unknown): { name: string; value: unknown }[] =>
  Array.isArray(value)
    ? (value as { name?: unknown; value?: unknown }[]).map((r) => ({ name: str(r.name, ''), value: r.value }))
    : [];

/** A list of name/value rows as one object: a later row replaces an earlier one, or joins it in a list. */
const fold = (rows: { name: string; value: unknown }[], repeated: 'last' | 'list'): Fields => {
  const out: Fields = {};
  for (const { name, value } of rows) {
    const before = out[name];
    // n8n 4.3+ (updadeQueryParameterConfig): a name whose value so far is undefined takes the next value as it is.
    if (repeated === 'last' || before === undefined) out[name] = value;
    else out[name] = Array.isArray(before) ? [...(before as unknown[]), value] : [before, value];
  }
  return out;
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

const queryText = (query: Fields, arrays: unknown): string => {
  const format = arrays === 'repeat' || arrays === 'brackets' ? arrays : 'indices';
  return stringify(query, { arrayFormat: format });
};

/** What n8n asks for, by response format. */
const ACCEPT: Record<string, string> = {
  json: 'application/json,text/*;q=0.99',
  text: 'application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, */*;q=0.1',
  autodetect: 'application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, image/*;q=0.8, */*;q=0.7',
};

/** Methods n8n sends without a converted body. */
const WITHOUT_BODY = new Set(['HEAD', 'OPTIONS', 'TRACE']);

export const buildRequest = (p: JsonObject, index: number): BuiltRequest => {
  const url = urlOf(p.url, index);
  const method = str(p.method, 'GET').toUpperCase();
  const repeated = p.repeatedNames === 'list' ? 'list' : 'last';

  if (p.sendQuery === true) {
    const query =
      p.specifyQuery === 'json'
        ? asFields(parseJsonField(p.jsonQuery, 'JSON Query Parameters', index))
        : fold(fieldRows(p.queryParameters), repeated);
    const text = Object.keys(query).length > 0 ? queryText(query, p.queryParameterArrays) : '';
    if (text) url.search = url.search ? `${url.search}&${text}` : `?${text}`;
  }

  const headers = new Headers();
  // Header names set to false: n8n's client (axios) sends no such header and adds no default of that name either.
  const unset = new Set<string>();
  if (p.sendHeaders === true) {
    const given =
      p.specifyHeaders === 'json'
        ? asFields(parseJsonField(p.jsonHeaders, 'JSON Headers', index))
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
        if (Array.isArray(value))
          setHeaderList(
            headers,
            name,
            value.map((v) => String(v)),
          );
        else headers.set(name, headerText(value));
      } catch {
        throw new NodeError(`item ${index + 1}: "${name}" is not a valid header name or value`);
      }
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
    } else data = parseJsonField(p.jsonBody ?? '{}', 'JSON Body', index, true);
  } else if (contentType === 'form-urlencoded') {
    const form =
      p.formBody === 'string'
        ? Object.fromEntries(new URLSearchParams(str(p.formText, '')))
        : fold(fieldRows(p.bodyParameters), repeated);
    if (WITHOUT_BODY.has(method)) data = form;
    else {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      return { url, method, headers, body: stringify(form) };
    }
  } else if (contentType === 'raw') {
    headers.set('content-type', str(p.rawContentType, ''));
    if (!WITHOUT_BODY.has(method)) {
      return { url, method, headers, body: bodyText(str(p.body, ''), headers.get('content-type')) };
    }
  } else throw new NodeError(`the body type "${contentType}" is not supported`);
  if (data === undefined) return { url, method, headers };
  if (typeof data !== 'string' && free('content-type')) headers.set('content-type', 'application/json');
  return { url, method, headers, body: bodyText(data, headers.get('content-type')) };
};
