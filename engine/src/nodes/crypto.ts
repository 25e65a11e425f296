import { createHash, createHmac, createSign, randomBytes, randomUUID } from 'node:crypto';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeExecutor } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * Crypto as n8n's (Crypto.node.ts v1 and v2, n8n-nodes-base 2.41.1), with
 * node:crypto as n8n uses it: hash, HMAC and sign write the digest in hex or
 * base64; generate writes a UUID or `stringLength` characters of random bytes
 * in hex, base64 (non-word characters dropped) or ASCII (each byte's low 7
 * bits). The value is handed to node:crypto as the parameter gives it, so a
 * value that is not text fails as it does in n8n. The result goes under the
 * property name as one key, dots and all (n8n sets it with a one-segment
 * lodash path), in a shallow copy of the item.
 */

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Keys lodash's set refuses to write (n8n's result is then not written at all). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const generated = (p: JsonObject): string => {
  const type = str(p.encodingType, 'uuid');
  if (type === 'uuid') return randomUUID();
  const length = p.stringLength;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > 1_000_000)
    throw new NodeError(`The length must be a whole number from 0 to 1000000 (got ${JSON.stringify(length)})`);
  if (type === 'base64') return randomBytes(length).toString('base64').replace(/\W/g, '').slice(0, length);
  if (type === 'hex' || type === 'ascii') return randomBytes(length).toString(type).slice(0, length);
  throw new NodeError(`Unknown type "${type}": use uuid, hex, base64 or ascii`);
};

const encodingOf = (p: JsonObject): 'hex' | 'base64' => {
  const encoding = str(p.encoding, 'hex');
  if (encoding === 'hex' || encoding === 'base64') return encoding;
  throw new NodeError(`Unknown encoding "${encoding}": use hex or base64`);
};

const resultOf = (action: string, p: JsonObject): string => {
  if (action === 'encrypt' || action === 'decrypt')
    throw new NodeError(`The action "${action}" (n8n's Crypto 2) is not supported in Weft yet`);
  if ((action === 'hash' || action === 'hmac') && p.binaryData === true)
    throw new NodeError('Binary input ("Binary File") is not supported in Weft yet: Weft items hold no files');
  if (action === 'generate') return generated(p);
  if (action === 'hash' || action === 'hmac') {
    const type = str(p.type, 'SHA256');
    const digest = action === 'hash' ? createHash(type) : createHmac(type, str(p.secret));
    return digest.update(p.value as string).digest(encodingOf(p));
  }
  if (action === 'sign') {
    const sign = createSign(str(p.algorithm));
    sign.write(p.value);
    sign.end();
    if (str(p.privateKey).trim() === '') throw new NodeError('No private key: write one (PEM) in "Private key"');
    return sign.sign(str(p.privateKey), encodingOf(p));
  }
  throw new NodeError(`Unknown action "${action}": use hash, hmac, sign or generate`);
};

export const crypto: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const action = str(ctx.nodeParams().action, 'hash');
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.items.entries()) {
    const p = params[index] ?? {};
    try {
      const key = str(p.dataPropertyName);
      const value = resultOf(action, p);
      const json: JsonObject = { ...item.json };
      if (!UNSAFE_KEYS.has(key)) json[key] = value;
      out.push(pairedWith({ json }, { item: index }));
    } catch (e) {
      if (!goOn) throw e instanceof NodeError ? e : new NodeError(messageOf(e));
      failed.push({ index, message: messageOf(e) });
    }
  }
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
