import * as cheerio from 'cheerio';
import { convert } from 'html-to-text';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { own, setOwn } from './field-lists.ts';
import { lodashGet } from './lodash-paths.ts';
import { str } from './values.ts';

/**
 * HTML as n8n's (Html.node.ts 1–1.2, cheerio 1.1.0; 1.2's text through
 * html-to-text 9.0.5 as n8n-nodes-base 2.41.1 pins them): a template whose
 * `{{ }}` pieces are expressions resolved for each item, then put in the text
 * one by one; values extracted by CSS selector from the HTML in a field (from
 * each entry of a list), one item per HTML text; or every item as a row of
 * one table whose columns are every key the items have.
 */

type Cheerio = ReturnType<ReturnType<typeof cheerio.load>>;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What `String(value)` gives for JSON, as the template's `replace` reads a resolved value. */
const toText = (value: unknown): string => {
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : toText(v))).join(',');
  if (typeof value === 'object' && value !== null) return '[object Object]';
  return String(value);
};

const capitalizeHeader = (header: string, capitalize: boolean): string =>
  capitalize
    ? header
        .split('_')
        .filter((word) => word)
        .map((word) => (word[0] ?? '').toUpperCase() + word.slice(1))
        .join(' ')
    : header;

const table = (ctx: NodeContext): Item => {
  const params = ctx.params();
  const p = params[0] ?? {};
  const styled = p.customStyling !== true;
  const tableStyle = styled ? "style='border-spacing:0; font-family:helvetica,arial,sans-serif'" : '';
  const headerStyle = styled
    ? "style='margin:0; padding:7px 20px 7px 0px; border-bottom:1px solid #eee; text-align:left; color:#888; font-weight:normal'"
    : '';
  const cellStyle = styled ? "style='margin:0; padding:7px 20px 7px 0px; border-bottom:1px solid #eee'" : '';
  const headers = [...new Set(ctx.items.flatMap((item) => Object.keys(item.json)))];
  let out = `<table ${tableStyle} ${str(p.tableAttributes)}>`;
  if (p.caption) out += `<caption>${toText(p.caption)}</caption>`;
  out += `<thead ${headerStyle} ${str(p.headerAttributes)}>`;
  out += `<tr>${headers.map((h) => `<th>${capitalizeHeader(h, p.capitalize === true)}</th>`).join('')}</tr>`;
  out += '</thead><tbody>';
  ctx.items.forEach((item, index) => {
    const row = params[index] ?? p;
    out += `<tr  ${str(row.rowAttributes)}>`;
    const cellAttributes = str(row.cellAttributes);
    out += headers
      .map((header) => {
        const value = own(item.json, header);
        const cell =
          typeof value === 'boolean' ? `<input type="checkbox" ${value ? 'checked="checked"' : ''}/>` : toText(value);
        return `<td ${cellStyle} ${cellAttributes}>${cell}</td>`;
      })
      .join('');
    out += '</tr>';
  });
  out += '</tbody></table>';
  return pairedWith(
    { json: { table: out } },
    ctx.items.map((_, item) => ({ item })),
  );
};

/** The `{{ … }}` pieces of a template, in order (n8n's getResolvables). */
const resolvablesOf = (text: string): string[] => [...text.matchAll(/({{[\s\S]*?}})/g)].map((m) => m[1] ?? '');

const templates = (ctx: NodeContext): Item[] => {
  const texts = ctx.params().map((p) => toText(p.html ?? ''));
  // Every piece any item's template holds, resolved for all items in one pass.
  const pieces = [...new Set(texts.flatMap(resolvablesOf))];
  const expressions: JsonObject = Object.fromEntries(pieces.map((piece, i) => [`p${i}`, `=${piece}`]));
  const resolved: JsonObject[] =
    pieces.length === 0
      ? []
      : ctx.paramsOf
        ? ctx.paramsOf(expressions)
        : ctx.resolver.resolve(ctx.node.name, expressions, ctx.items, ctx.meta, (name) => ctx.outputOf(name));
  return ctx.items.map((_, index) => {
    let text = texts[index] ?? '';
    for (const piece of resolvablesOf(text)) {
      const value = resolved[index]?.[`p${pieces.indexOf(piece)}`];
      text = text.replace(piece, toText(value));
    }
    return pairedWith({ json: { html: text } }, { item: index });
  });
};

interface Extraction {
  key: string;
  cssSelector: string;
  returnValue: string;
  attribute: string;
  skipSelectors: string;
  returnArray: boolean;
}

const extractionsOf = (value: unknown): Extraction[] =>
  (Array.isArray(value) ? value : []).map((row) => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as JsonObject;
    return {
      key: str(r.key),
      cssSelector: str(r.cssSelector),
      returnValue: typeof r.returnValue === 'string' ? r.returnValue : 'text',
      attribute: str(r.attribute),
      skipSelectors: str(r.skipSelectors),
      returnArray: r.returnArray === true,
    };
  });

const extractValue = (el: Cheerio, x: Extraction, version: number): string | undefined => {
  switch (x.returnValue) {
    case 'attribute':
      return el.attr(x.attribute);
    case 'html':
      return el.html() || undefined;
    case 'text': {
      if (version <= 1.1) return el.text() || undefined;
      const selectors = x.skipSelectors
        ? x.skipSelectors.split(',').map((s) => ({ selector: s.trim(), format: 'skip' }))
        : undefined;
      return convert(el.html() ?? '', selectors ? { selectors } : undefined);
    }
    case 'value': {
      const value = el.val();
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(',') : value;
    }
    default:
      throw new NodeError(`extractFunctions[valueData.returnValue] is not a function`);
  }
};

const cleaned = (value: string | undefined, p: JsonObject): string | undefined => {
  if (value === undefined) return value;
  let out = value;
  if (p.trimValues === true) out = out.trim();
  if (p.cleanUpText === true)
    out = out
      .replace(/^\s+|\s+$/g, '')
      .replace(/(\r\n|\n|\r)/gm, '')
      .replace(/\s+/g, ' ');
  return out;
};

const extract = (json: JsonObject, p: JsonObject, index: number, version: number): Item[] => {
  if (p.sourceData === 'binary')
    throw new NodeError('Weft items hold no binary data: extract from a JSON field (sourceData "json")');
  const field = str(p.dataPropertyName);
  const value = version === 1 ? own(json, keyOf(json, field)) : lodashGet(json, field);
  if (value === undefined) throw new NodeError(`No property named "${field}" exists!`);
  const texts = Array.isArray(value) ? (value as unknown[]) : [value];
  const extractions = extractionsOf(p.extractionValues);
  return texts.map((html) => {
    const $ = cheerio.load(typeof html === 'string' ? html : toText(html));
    const out: JsonObject = {};
    for (const x of extractions) {
      const found = $(x.cssSelector);
      if (x.returnArray) {
        const list: (string | undefined)[] = [];
        found.each((_, el) => {
          list.push(cleaned(extractValue($(el), x, version), p));
        });
        setOwn(out, x.key, list);
      } else setOwn(out, x.key, cleaned(extractValue(found, x, version), p));
    }
    return pairedWith({ json: out }, { item: index });
  });
};

/** HTML 1's field name: as written, or unwrapped from ['…'] / ["…"] when that key exists (n8n's sanitizeDataPathKey). */
const keyOf = (json: JsonObject, key: string): string => {
  if (own(json, key) !== undefined) return key;
  if ((key.startsWith("['") && key.endsWith("']")) || (key.startsWith('["') && key.endsWith('"]'))) {
    const inner = key.slice(2, -2);
    if (own(json, inner) !== undefined) return inner;
  }
  return key;
};

export const html: NodeExecutor = (ctx) => {
  const first = ctx.nodeParams();
  const version = Number(first.n8nVersion) || 1.2;
  if (first.operation === 'convertToHtmlTable') return { [MAIN]: ctx.items.length > 0 ? [table(ctx)] : [] };
  if (first.operation !== 'extractHtmlContent') return { [MAIN]: templates(ctx) };
  const params = ctx.params();
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.items.entries()) {
    try {
      out.push(...extract(item.json, params[index] ?? first, index, version));
    } catch (e) {
      if (!goOn) throw e instanceof NodeError ? e : new NodeError(messageOf(e));
      failed.push({ index, message: messageOf(e) });
    }
  }
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
