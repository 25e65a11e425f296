import { Builder, Parser } from 'xml2js';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { own, setOwn } from './field-lists.ts';
import { str } from './values.ts';

/**
 * XML as n8n's (Xml.node.ts, xml2js 0.6.2 as n8n-nodes-base 2.41.1 pins it):
 * XML text to JSON with attributes merged and lists only where an element
 * repeats unless told otherwise, element and attribute names that would
 * reach an object's prototype renamed `sanitized_<name>`; or each item to
 * XML text. xml2js's sax parser expands no entity a document declares.
 *
 * n8n puts what the parser returns in the item as it is: nothing for empty
 * text, a string for a root holding only text without "explicit root".
 * Weft's items are objects, so such an item fails (the xml-non-object-result
 * exception). With "continue" on, n8n drops an item that failed rather than
 * passing an error item on; Weft does the same and logs why.
 */

const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
const DANGEROUS = new Set(FORBIDDEN);
const sanitize = (name: string): string => (DANGEROUS.has(name) ? `sanitized_${name}` : name);

const keyOption = (value: unknown, label: string): string => {
  const key = value === undefined || value === null ? String(value) : str(value);
  if (FORBIDDEN.includes(key)) throw new NodeError(`The "${label}" option value "${key}" is not allowed`);
  return key;
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const xml: NodeExecutor = async (ctx) => {
  const p = ctx.nodeParams();
  const field = str(p.dataPropertyName);
  const attrkey = keyOption(p.attrkey, 'Attribute Key');
  const charkey = keyOption(p.charkey, 'Character Key');
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];

  const toJson = async (json: JsonObject): Promise<JsonObject> => {
    const text = own(json, field);
    if (text === undefined) throw new NodeError(`Item has no JSON property called "${field}"`);
    if (text === null) throw new NodeError("Cannot read properties of null (reading 'toString')");
    const parser = new Parser({
      mergeAttrs: p.mergeAttrs !== false,
      explicitArray: p.explicitArray === true,
      attrkey,
      charkey,
      explicitRoot: p.explicitRoot !== false,
      ignoreAttrs: p.ignoreAttrs === true,
      normalize: p.normalize === true,
      normalizeTags: p.normalizeTags === true,
      trim: p.trim === true,
      tagNameProcessors: [sanitize],
      attrNameProcessors: [sanitize],
    });
    // Text as xml2js reads any value (its toString): a number or a list is parsed as its text.
    const result: unknown = await parser.parseStringPromise(typeof text === 'string' ? text : toText(text));
    if (typeof result !== 'object' || result === null || Array.isArray(result))
      throw new NodeError(
        `The XML gives ${result === null ? 'nothing' : 'text, not fields'}: an item needs fields`,
        'Turn "Explicit root" on to keep the root element as a field.',
      );
    return result as JsonObject;
  };

  const toXml = (json: JsonObject): JsonObject => {
    const builder = new Builder({
      attrkey,
      charkey,
      rootName: str(p.rootName),
      headless: p.headless === true,
      cdata: p.cdata === true,
      allowSurrogateChars: p.allowSurrogateChars === true,
    });
    const result: JsonObject = {};
    setOwn(result, field, builder.buildObject(json));
    return result;
  };

  for (const [index, item] of ctx.items.entries()) {
    try {
      const json = p.mode === 'jsonToxml' ? toXml(item.json) : await toJson(item.json);
      out.push(pairedWith({ json }, { item: index }));
    } catch (e) {
      const message = messageOf(e);
      if (!goOn) throw e instanceof NodeError ? e : new NodeError(message);
      ctx.log('warn', `Item ${index} left out: ${message}`);
    }
  }
  return { [MAIN]: out };
};

/** What `String(value)` gives for JSON, as xml2js's `str.toString()` does. */
const toText = (value: unknown): string =>
  Array.isArray(value)
    ? value.map((v) => (v === null || v === undefined ? '' : toText(v))).join(',')
    : typeof value === 'object' && value !== null
      ? '[object Object]'
      : String(value);
