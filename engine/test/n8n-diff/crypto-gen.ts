import { generateKeyPairSync } from 'node:crypto';
import type { Family } from './differ.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Crypto 1 and 2: hash (every type, sha3 included), HMAC and sign with RSA
 * and EC keys made once per run (a PKCS#8 key also on one line, as a form
 * field leaves it), in hex and base64, over
 * values written in or taken from the item (text, numbers, nothing). The
 * keys are in a Crypto credential for both engines (version 1 also has them
 * as parameters, which n8n's reads and Weft's import leaves out); and
 * generate (UUID, hex, base64, ASCII of a length), which the harness compares
 * by shape (exception crypto-generate-random). ECDSA signatures are random
 * too: they are compared by verifying both (exception crypto-ecdsa-random).
 */

export const cryptoKeys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string,
  rsaPkcs1: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  }) as string,
  ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
    type: 'sec1',
    format: 'pem',
  }) as string,
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
  const action = rng.pick(['hash', 'hmac', 'sign', 'generate']);
  const parameters: Params = { action };
  const credentials: Params = {};
  if (action === 'hash' || action === 'hmac') {
    if (rng.chance(0.9)) parameters.type = rng.pick(TYPES);
    parameters.value = rng.pick(VALUES);
    if (rng.chance(0.7)) parameters.encoding = rng.pick(['hex', 'base64']);
    if (action === 'hmac') {
      credentials.hmacSecret = rng.pick(['key', 's3cr3t-ünï', 'a much longer secret '.repeat(8)]);
      if (typeVersion === 1) parameters.secret = credentials.hmacSecret;
    }
  }
  if (action === 'sign') {
    const key = rng.pick(['rsa', 'rsaPkcs1', 'ec'] as const);
    credentials.signPrivateKey = cryptoKeys[key];
    if (typeVersion === 1) parameters.privateKey = cryptoKeys[key];
    // A key typed into one line: n8n's 2 puts it back into lines (formatPemBlock), as Weft's does.
    else if (key === 'rsa' && rng.chance(0.3)) credentials.signPrivateKey = cryptoKeys.rsa.replace(/\n/g, ' ').trim();
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
    ...(action === 'hmac' || action === 'sign' ? { credentials: { crypto: credentials } } : {}),
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
