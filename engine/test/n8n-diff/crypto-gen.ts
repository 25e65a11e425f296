import { generateKeyPairSync } from 'node:crypto';
import type { Family } from './differ.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Crypto 1 and 2: hash (every type, sha3 included) and, in version 1 (whose
 * secret and key are parameters; version 2's come from a credential), HMAC
 * and sign with RSA and EC keys made once per run, in hex and base64, over
 * values written in or taken from the item (text, numbers, nothing); and
 * generate (UUID, hex, base64, ASCII of a length), which the harness compares
 * by shape (exception crypto-generate-random). ECDSA signatures are random
 * too: they are compared by verifying both (exception crypto-ecdsa-random).
 */

export const cryptoKeys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  rsaPkcs1: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }),
  ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }),
} as const;

const TYPES = ['MD5', 'SHA1', 'SHA256', 'SHA3-256', 'SHA3-384', 'SHA3-512', 'SHA384', 'SHA512'];
const VALUES = [
  '',
  'hello',
  'grüße 🙂',
  'a.b',
  '{"x":1}',
  '={{ $json.name }}',
  '={{ $json.a }}',
  '={{ JSON.stringify($json) }}',
];
const SIGNED = ['', 'hello', 'payload to sign', 'grüße 🙂'];
const KEYS = ['data', 'out', 'name', 'a.b', 'meta.sig', ''];

export const cryptoCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2]);
  const action = rng.pick(typeVersion === 1 ? ['hash', 'hmac', 'sign', 'generate'] : ['hash', 'generate']);
  const parameters: Params = { action };
  if (action === 'hash' || action === 'hmac') {
    if (rng.chance(0.9)) parameters.type = rng.pick(TYPES);
    parameters.value = rng.pick(VALUES);
    if (rng.chance(0.7)) parameters.encoding = rng.pick(['hex', 'base64']);
    if (action === 'hmac') parameters.secret = rng.pick(['', 'key', 's3cr3t-ünï', '={{ "k" + $json.a }}']);
  }
  if (action === 'sign') {
    const key = rng.pick(['rsa', 'rsaPkcs1', 'ec'] as const);
    parameters.privateKey = cryptoKeys[key];
    parameters.algorithm = rng.pick(
      key === 'ec' ? ['sha256', 'SHA384', 'sha512'] : ['RSA-SHA256', 'RSA-SHA1', 'sha256', 'RSA-SHA512', 'sha3-256'],
    );
    parameters.value = rng.pick(key === 'ec' ? SIGNED : [...SIGNED, '={{ $json.name }}']);
    if (rng.chance(0.7)) parameters.encoding = rng.pick(['hex', 'base64']);
  }
  if (action === 'generate') {
    if (rng.chance(0.8)) parameters.encodingType = rng.pick(['uuid', 'hex', 'base64', 'ascii']);
    if (rng.chance(0.7)) parameters.stringLength = rng.pick([0, 1, 5, 16, 32, 64]);
  }
  if (rng.chance(0.5)) parameters.dataPropertyName = rng.pick(KEYS);
  const items = listItems(rng).slice(0, 3);
  return {
    family: 'crypto',
    seed,
    type: 'crypto',
    typeVersion,
    parameters,
    items: items.length > 0 ? items : [{}],
  };
};

export const cryptoFamily: Family = {
  name: 'crypto',
  generate: cryptoCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'crypto',
      String(c.typeVersion),
      typeof c.parameters.action === 'string' ? c.parameters.action : 'hash',
      ...Object.keys(c.parameters).sort(),
    ].join(' '),
};
