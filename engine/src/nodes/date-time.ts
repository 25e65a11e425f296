import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import type { NodeExecutor } from '../runner/types.ts';
import { calculateV1, formatV1, NO_DATE } from './date-time-v1.ts';
import { withClock } from './date-time-moment.ts';
import { dateTimeParams } from './date-time-typed.ts';
import { dateTimeV2 } from './date-time-v2.ts';
import { str } from './values.ts';

/**
 * Date & Time, as n8n's node computes it (Luxon for the current operations,
 * moment for reading text and for n8n 1's "format" and "calculate"): the
 * workflow's time zone where n8n uses it, n8n's output fields and texts.
 */

/** One key, even with dots in it, as a plain property (never the object's prototype). */
const withField = (json: JsonObject, field: string, value: unknown): JsonObject => {
  if (value !== undefined)
    Object.defineProperty(json, field, { value, enumerable: true, writable: true, configurable: true });
  return json;
};

/**
 * n8n 1 writes into a copy of the item with lodash's set and a path list: the name as given, dots and
 * all; lodash leaves "__proto__", "constructor" and "prototype" alone.
 */
const v1Item = (item: Item, field: string, value: unknown): Item => ({
  json: ['__proto__', 'constructor', 'prototype'].includes(field)
    ? { ...item.json }
    : withField({ ...item.json }, field, value),
});

/** n8n 2 writes one key (a "__proto__" one sets the prototype: it never shows); input fields only when asked. */
const v2Item = (item: Item, field: string, value: unknown, keepInput: boolean): Item => {
  const json: JsonObject = keepInput ? { ...item.json } : {};
  return { json: field === '__proto__' ? json : withField(json, field, value) };
};

/** n8n's output field per operation, for a field left empty. */
const defaultField: Record<string, string> = {
  getCurrentDate: 'currentDate',
  addToDate: 'newDate',
  subtractFromDate: 'newDate',
  formatDate: 'formattedDate',
  roundDate: 'roundedDate',
  getTimeBetweenDates: 'timeDifference',
  extractDate: 'datePart',
};

export const dateTime: NodeExecutor = (ctx) => {
  const params = dateTimeParams(ctx);
  const first = params[0] ?? {};
  // As n8n, the operation and "include input fields" are read once, for the first item.
  const operation = str(first.operation, 'getCurrentDate');
  const keepInput = first.includeInputFields === true;
  const out: Item[] = [];
  // Synchronous from here on: moment's clock is the run's only while this node computes.
  withClock(ctx.meta.now, () =>
    ctx.items.forEach((item, i) => {
      const p = params[i] ?? {};
      const field = str(p.outputFieldName, defaultField[operation] ?? 'date');
      if (operation === 'formatV1') {
        const value = formatV1(p, ctx.meta.timezone);
        if (value !== NO_DATE) out.push(pairedWith(v1Item(item, str(p.dataPropertyName, 'data'), value), { item: i }));
        return;
      }
      if (operation === 'calculateV1') {
        out.push(pairedWith(v1Item(item, str(p.dataPropertyName, 'data'), calculateV1(p)), { item: i }));
        return;
      }
      const value = dateTimeV2({ operation, workflowZone: ctx.meta.timezone, now: ctx.meta.now, p });
      // As n8n, each output item pairs to the input item it was made from.
      out.push(pairedWith(v2Item(item, field, value, keepInput), { item: i }));
    }),
  );
  return { [MAIN]: out };
};
