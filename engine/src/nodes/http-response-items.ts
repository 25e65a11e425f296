import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * An HTTP answer as items, as n8n's HTTP Request 3–4.x makes them (1–2:
 * lists kept whole unless split, JSON read into the text field, by options):
 * - "autodetect" reads the content type: JSON (an empty body is `{}`; invalid
 *   JSON fails, or is `{}` with "never error"), else text (an empty body is
 *   no value at all);
 * - "JSON" and "text" read a body that parses as JSON as JSON first, as
 *   n8n's client does when it is asked for JSON;
 * - text goes under `data` (or the chosen field), objects written as JSON;
 * - a JSON list is one item per entry; with "full response" the item is
 *   `{ body, headers, statusCode, statusMessage }`.
 * n8n makes an item of a bare value (`5`, `"a"`); Weft's items are objects,
 * so a bare value becomes `{ data: value }` (docs/n8n-compatibility.md).
 */

export interface Answer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
}

export interface ResponseOptions {
  format: string;
  full: boolean;
  neverError: boolean;
  field: string;
  /** A JSON list is one item per entry (n8n 3+; n8n 1–2 with "Split Into Items"), or one item. */
  split: boolean;
  /** Text that is JSON goes in the field as JSON (n8n 1–2's "String" format, whose client parses it). */
  textJson: boolean;
}

const isEmpty = (text: string) => text.trim().length === 0;

const toText = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : value;

const item = (value: unknown): JsonObject =>
  value === null || value === undefined
    ? {}
    : typeof value === 'object' && !Array.isArray(value)
      ? (value as JsonObject)
      : { data: value };

/** n8n's client, asked for JSON, parses a body that is JSON and leaves any other text as it is (none: no body). */
const lenientJson = (text: string): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const NOT_JSON = 'the response body is not valid JSON; choose the "Text" response format';

export const responseItems = (answer: Answer, o: ResponseOptions): JsonObject[] => {
  const contentType = answer.headers['content-type'] ?? '';
  let format = o.format;
  let body: unknown;
  if (format === 'autodetect') {
    if (contentType.includes('application/json')) {
      format = 'json';
      if (isEmpty(answer.text)) body = {};
      else {
        try {
          body = JSON.parse(answer.text) as unknown;
        } catch {
          if (!o.neverError) throw new NodeError('the response body is not valid JSON');
          body = {};
        }
      }
    } else {
      format = 'text';
      body = answer.text === '' ? undefined : answer.text;
    }
  } else body = lenientJson(answer.text);

  const meta = { headers: answer.headers, statusCode: answer.status, statusMessage: answer.statusText };
  if (format === 'text') {
    const value = o.textJson ? body : toText(body);
    return [o.full ? { [o.field]: value, ...meta } : item({ [o.field]: value })];
  }
  if (o.full) {
    if (typeof body === 'string') {
      if (isEmpty(body)) body = {};
      else {
        try {
          body = JSON.parse(body) as unknown;
        } catch {
          throw new NodeError(NOT_JSON);
        }
      }
    }
    return [{ body, ...meta }];
  }
  if (typeof body === 'string') {
    if (isEmpty(body)) body = {};
    else {
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        throw new NodeError(NOT_JSON);
      }
    }
  }
  if (Array.isArray(body)) return o.split ? body.map(item) : [item(body)];
  return [item(body)];
};

export const responseOptions = (p: JsonObject): ResponseOptions => ({
  format: ['json', 'text', 'autodetect'].includes(str(p.responseFormat, '')) ? str(p.responseFormat) : 'autodetect',
  full: p.fullResponse === true,
  neverError: p.neverError === true,
  field: str(p.outputPropertyName, '') || 'data',
  split: p.splitLists !== false,
  textJson: p.textReadsJson === true,
});
