import { createHash, createHmac, createSign, randomBytes, randomUUID } from 'node:crypto';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeContext, type NodeExecutor } from '../runner/types.ts';
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

interface Keys {
  hmacSecret: string;
  signPrivateKey: string;
}

/** A PEM key typed on one line (a form field drops the line breaks) put back into lines, as n8n's formatPemBlock. */
export const pemOf = (key: string): string => {
  if (key.includes('\n') || !key.includes('-----BEGIN ')) return key;
  const m = /^-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----$/.exec(key.trim());
  if (!m) return key;
  const body = (m[2] ?? '').replace(/\\n/g, '\n').trim();
  const lines = /\s/.test(body) ? body.split(/\s+/) : (body.match(/.{1,64}/g) ?? []);
  return `-----BEGIN ${m[1]}-----\n${lines.join('\n')}\n-----END ${m[1]}-----`;
};

/** The node's keys from its credential, as n8n's Crypto 2 reads them (only for the actions that use them). */
const keysOf = async (ctx: NodeContext, action: string): Promise<Keys> => {
  if (action !== 'hmac' && action !== 'sign') return { hmacSecret: '', signPrivateKey: '' };
  const id = ctx.node.credentials?.crypto ?? Object.values(ctx.node.credentials ?? {})[0];
  if (!id)
    throw new NodeError(`Choose a Crypto credential: ${action === 'hmac' ? 'HMAC' : 'signing'} takes its key from one`);
  const credential = await ctx.credential(id);
  if (credential.type !== 'crypto')
    throw new NodeError(`The credential is not a Crypto credential (it is ${credential.type})`);
  if (action === 'hmac' && !credential.hmacSecret)
    throw new NodeError('No HMAC secret set in the credential. Add an HMAC secret to the Crypto credential.');
  if (action === 'sign' && !credential.signPrivateKey)
    throw new NodeError('No private key set in the credential. Add a private key to the Crypto credential.');
  // Only the key the action uses is read (a credential stored before a field existed may lack the other).
  return action === 'hmac'
    ? { hmacSecret: credential.hmacSecret, signPrivateKey: '' }
    : { hmacSecret: '', signPrivateKey: pemOf(credential.signPrivateKey) };
};

const resultOf = (action: string, p: JsonObject, keys: Keys): string => {
  if (action === 'encrypt' || action === 'decrypt')
    throw new NodeError(`The action "${action}" (n8n's Crypto 2) is not supported in Weft yet`);
  if ((action === 'hash' || action === 'hmac') && p.binaryData === true)
    throw new NodeError('Binary input ("Binary File") is not supported in Weft yet: Weft items hold no files');
  if (action === 'generate') return generated(p);
  if (action === 'hash' || action === 'hmac') {
    const type = str(p.type, 'SHA256');
    const digest = action === 'hash' ? createHash(type) : createHmac(type, keys.hmacSecret);
    return digest.update(p.value as string).digest(encodingOf(p));
  }
  if (action === 'sign') {
    const sign = createSign(str(p.algorithm));
    sign.write(p.value);
    sign.end();
    return sign.sign(keys.signPrivateKey, encodingOf(p));
  }
  throw new NodeError(`Unknown action "${action}": use hash, hmac, sign or generate`);
};

export const crypto: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const action = str(ctx.nodeParams().action, 'hash');
  const keys = await keysOf(ctx, action);
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.items.entries()) {
    const p = params[index] ?? {};
    try {
      const key = str(p.dataPropertyName);
      const value = resultOf(action, p, keys);
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
