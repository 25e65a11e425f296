import { BlockList, isIPv6 } from 'node:net';
import { parse as parseForm } from 'node:querystring';
import { gunzipSync, inflateSync } from 'node:zlib';
import isbot from 'isbot';
import { parse as parseQuery } from 'qs';
import { Parser as XmlParser } from 'xml2js';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.ts';

/**
 * A webhook request read as n8n 2.41's webhook server hands it to its
 * Webhook node (docs/n8n-compatibility.md › Webhook): the query string by
 * Express 5's "extended" parser (qs), the content type lower-cased without
 * its parameters, the charset decoding the body, and the body parsed only
 * for JSON, XML, form-urlencoded and plain text — by n8n's own rules for
 * which Webhook version reads which type.
 */

/** Express 5's "extended" query parser, as n8n sets it; null-prototype objects, so no key reaches a prototype. */
export const webhookQuery = (search: string): Record<string, unknown> =>
  search === '' ? {} : parseQuery(search, { allowPrototypes: true, plainObjects: true });

export interface ContentType {
  /** Lower-cased, without parameters (not trimmed, as n8n's parseIncomingMessage). */
  type: string;
  /** The charset parameter, lower-cased; utf-8 when there is none. */
  charset: string;
}

/** n8n's parseContentType: the type before the first ';', and the charset parameter. */
export const contentTypeOf = (header: string | undefined): ContentType | undefined => {
  if (!header) return undefined;
  const [type = '', ...parameters] = header.split(';');
  let charset = 'utf-8';
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = parameter.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    charset = value.toLowerCase();
  }
  return { type: type.toLowerCase(), charset };
};

/** Webhook 2+ reads only these types; others (and Webhook 1's unread ones) are left for binary data in n8n. */
const parsable = (type: string): boolean =>
  type.startsWith('application/json') ||
  type.startsWith('text/plain') ||
  type.startsWith('application/x-www-form-urlencoded') ||
  type.endsWith('/xml') ||
  type.endsWith('+xml');

/** XML element and attribute names that would name a prototype (n8n-workflow's sanitizeXmlName). */
const DANGEROUS_XML_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const sanitizeXmlName = (name: string): string => (DANGEROUS_XML_NAMES.has(name) ? `sanitized_${name}` : name);

const xmlParser = new XmlParser({
  async: true,
  normalize: true,
  normalizeTags: true,
  explicitArray: false,
  tagNameProcessors: [sanitizeXmlName],
  attrNameProcessors: [sanitizeXmlName],
});

/** n8n answers a body its parser refuses with 422 "Failed to parse request body". */
const unparsable = (detail: string): UserError =>
  new UserError(ErrorCodes.unprocessable, `Failed to parse request body: ${detail}`);

const decode = (raw: Buffer, charset: string): string => {
  if (!Buffer.isEncoding(charset)) throw unparsable(`Unknown encoding: ${charset}`);
  return raw.toString(charset);
};

/** n8n's parseBody: undefined when the body is empty or of a type it does not read. */
const parseBody = async (raw: Buffer, contentType: ContentType | undefined): Promise<unknown> => {
  if (raw.length === 0 || !contentType) return undefined;
  const { type, charset } = contentType;
  if (type === 'application/json') {
    const text = decode(raw, charset);
    // Weft's own limit (docs/SECURITY.md): a body nested past it is refused before parsing.
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      throw new UserError(ErrorCodes.badRequest, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw unparsable(e instanceof Error ? e.message : String(e));
    }
  }
  if (type.endsWith('/xml') || type.endsWith('+xml')) {
    try {
      return (await xmlParser.parseStringPromise(decode(raw, charset))) as unknown;
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw unparsable(e instanceof Error ? e.message : String(e));
    }
  }
  if (type === 'application/x-www-form-urlencoded')
    return { ...parseForm(decode(raw, charset), undefined, undefined, { maxKeys: 1000 }) };
  if (type === 'text/plain') return decode(raw, charset);
  return undefined;
};

/**
 * n8n's readRawBody inflates a `gzip` or `deflate` body before reading it.
 * Weft caps what it inflates to at the body limit (a small bomb must not
 * become gigabytes): past it 413, a body that does not inflate 400.
 */
const inflated = (raw: Buffer, encoding: string | undefined, maxBytes: number): Buffer => {
  if (raw.length === 0 || (encoding !== 'gzip' && encoding !== 'deflate')) return raw;
  try {
    return encoding === 'gzip'
      ? gunzipSync(raw, { maxOutputLength: maxBytes })
      : inflateSync(raw, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new UserError(ErrorCodes.payloadTooLarge, `Request bodies are limited to ${maxBytes} bytes, inflated`);
    throw new UserError(ErrorCodes.badRequest, `The request body does not inflate as ${encoding}`);
  }
};

export interface WebhookBodyRules {
  /** The n8n Webhook version whose rules apply (Weft's own webhooks: the current one). */
  version: number;
  /** Webhook 1's "Binary Data" option: the body is not read at all. */
  binaryData: boolean;
  /** The "Raw Body" option: in n8n the body's bytes also go to binary data. */
  rawBody: boolean;
  /** The Content-Encoding header, and the most a body may inflate to. */
  contentEncoding?: string;
  maxBytes: number;
}

/**
 * The item's `body` as n8n's Webhook node sets it; `undefined` leaves the
 * field out (Webhook 1, a type it does not read). Where n8n 2+ moves a
 * non-empty body it does not read into binary data (which Weft's items do
 * not have), Weft keeps its text instead, so nothing sent is lost — a
 * documented difference. `binaryWay`: n8n's node took its binary-data path,
 * which hands its server no answer of its own (the Response Data option).
 */
export const webhookBody = async (
  raw: Buffer,
  contentType: ContentType | undefined,
  rules: WebhookBodyRules,
): Promise<{ body: unknown; binaryWay: boolean }> => {
  if (rules.version === 1 && rules.binaryData)
    return { body: raw.length > 0 ? raw.toString('utf8') : {}, binaryWay: true };
  const read = rules.version === 1 || (contentType !== undefined && parsable(contentType.type));
  // What n8n reads (the parsed types, Raw Body) it inflates first; what it stores as binary data it keeps as sent.
  if (read || rules.rawBody) raw = inflated(raw, rules.contentEncoding, rules.maxBytes);
  const body = read && contentType?.type !== 'multipart/form-data' ? await parseBody(raw, contentType) : undefined;
  if (rules.version === 1) return { body, binaryWay: false };
  // n8n 2+: a body that is missing or falsy (JSON 0, false, null, "") goes the binary-data way, leaving {}.
  if (!body && !rules.rawBody) return { body: raw.length > 0 && !read ? raw.toString('utf8') : {}, binaryWay: true };
  if (body === undefined && rules.rawBody && raw.length > 0) return { body: raw.toString('utf8'), binaryWay: false };
  return { body, binaryWay: false };
};

/** The "IP(s) Allowlist" option (n8n's isIpAllowed): entries or CIDR ranges, comma-separated; empty allows all. */
export const ipAllowed = (allowlist: unknown, ip: string | undefined): boolean => {
  if (allowlist === undefined || allowlist === null || allowlist === '') return true;
  if (typeof allowlist !== 'string' && !Array.isArray(allowlist)) return false;
  const entries = (Array.isArray(allowlist) ? allowlist : allowlist.split(','))
    .filter((e): e is string => typeof e === 'string')
    .map((e) => e.trim());
  const list = new BlockList();
  for (const entry of entries) {
    try {
      if (entry.includes('/')) {
        const [network = '', prefixText = ''] = entry.split('/');
        const prefix = parseInt(prefixText, 10);
        const type = network.includes(':') ? 'ipv6' : 'ipv4';
        if (Number.isNaN(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) continue;
        list.addSubnet(network, prefix, type);
      } else list.addAddress(entry, entry.includes(':') ? 'ipv6' : 'ipv4');
    } catch {
      // n8n skips an entry it cannot read.
    }
  }
  if (!ip) return false;
  try {
    return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
};

/** The "Ignore Bots" option: n8n's isbot 3 on the User-Agent. */
export const isBot = (userAgent: string | undefined): boolean => isbot(userAgent);
