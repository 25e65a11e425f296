import { createHash, createHmac, createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { pemOf } from '../src/nodes/crypto.ts';
import { items, runNode } from './harness.ts';

/**
 * Crypto as n8n's Crypto.node.ts (v1 and v2): digests checked against
 * node:crypto and against published test vectors, signatures verified with
 * keys made here. The differential family (crypto-gen.ts) is the broad proof.
 */

/** The keys go in the node's Crypto credential: `secret` and `privateKey` here are its two fields. */
const run = async (
  { secret, privateKey, ...parameters }: Record<string, unknown>,
  json: Record<string, unknown> = { keep: 1 },
) =>
  (
    await runNode('crypto', parameters, items(json), {
      credentials: {
        k1: {
          type: 'crypto',
          hmacSecret: typeof secret === 'string' ? secret : '',
          signPrivateKey: typeof privateKey === 'string' ? privateKey : '',
        },
      },
      node: { credentials: { crypto: 'k1' } },
    })
  ).main?.map((i) => i.json);

const one = async (parameters: Record<string, unknown>, json?: Record<string, unknown>) =>
  (await run(parameters, json))?.[0]?.data;

describe('hash', () => {
  it.each([
    // Published vectors for "abc" (RFC 1321, FIPS 180 and FIPS 202).
    ['MD5', '900150983cd24fb0d6963f7d28e17f72'],
    ['SHA1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['SHA256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['SHA3-256', '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
    [
      'SHA3-512',
      'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0',
    ],
  ])('%s of "abc" in hex', async (type, hex) => {
    expect(await one({ action: 'hash', type, value: 'abc' })).toBe(hex);
  });

  it.each(['SHA384', 'SHA512', 'SHA3-384'])('%s in base64, of a value from an expression', async (type) => {
    const out = await one({ action: 'hash', type, value: '={{ $json.name }}', encoding: 'base64' }, { name: 'ünï' });
    expect(out).toBe(createHash(type).update('ünï').digest('base64'));
  });

  it('writes under the property name as one key, dots and all, in a copy of the item', async () => {
    const input = { meta: { a: 1 } };
    const out = await run({ action: 'hash', value: 'x', dataPropertyName: 'meta.sum' }, input);
    expect(out).toEqual([{ meta: { a: 1 }, 'meta.sum': createHash('sha256').update('x').digest('hex') }]);
    expect(input).toEqual({ meta: { a: 1 } });
  });

  it('fails on a value that is not text, as node:crypto does in n8n', async () => {
    await expect(run({ action: 'hash', value: '={{ 5 }}' })).rejects.toThrow(/must be of type string/);
  });

  it('says binary input is not supported in Weft yet', async () => {
    await expect(run({ action: 'hash', value: 'x', binaryData: true })).rejects.toThrow(
      /Binary input .* not supported in Weft yet/,
    );
  });
});

describe('hmac', () => {
  it.each([
    // RFC 4231 test case 2.
    ['SHA256', 'hex', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [
      'SHA512',
      'hex',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
  ])('%s in %s (RFC 4231)', async (type, encoding, expected) => {
    expect(await one({ action: 'hmac', type, encoding, secret: 'Jefe', value: 'what do ya want for nothing?' })).toBe(
      expected,
    );
  });

  it('SHA3-256 in base64', async () => {
    const out = await one({ action: 'hmac', type: 'SHA3-256', encoding: 'base64', secret: 'key', value: 'body' });
    expect(out).toBe(createHmac('sha3-256', 'key').update('body').digest('base64'));
  });

  it('needs a Crypto credential with a secret', async () => {
    await expect(runNode('crypto', { action: 'hmac', value: 'x' }, items({}))).rejects.toThrow(
      /Choose a Crypto credential/,
    );
    await expect(run({ action: 'hmac', value: 'x' })).rejects.toThrow(/No HMAC secret set/);
    await expect(
      runNode('crypto', { action: 'hmac', value: 'x' }, items({}), {
        credentials: { k1: { type: 'bearer', token: 't' } },
        node: { credentials: { crypto: 'k1' } },
      }),
    ).rejects.toThrow(/not a Crypto credential/);
  });
});

describe('sign', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = (k: typeof rsa.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }) as string;

  it.each([
    ['RSA', rsa, 'RSA-SHA256', 'hex'],
    ['RSA', rsa, 'sha512', 'base64'],
    ['EC', ec, 'sha256', 'hex'],
    ['EC', ec, 'sha3-256', 'base64'],
  ] as const)('%s with %s in %s: the signature verifies', async (_, pair, algorithm, encoding) => {
    const sig = await one({ action: 'sign', algorithm, encoding, privateKey: pem(pair.privateKey), value: 'payload' });
    expect(typeof sig).toBe('string');
    expect(
      createVerify(algorithm)
        .update('payload')
        .verify(pair.publicKey, sig as string, encoding),
    ).toBe(true);
    expect(
      createVerify(algorithm)
        .update('other')
        .verify(pair.publicKey, sig as string, encoding),
    ).toBe(false);
  });

  it('takes a key typed on one line (a form field drops its line breaks)', async () => {
    const flat = pem(rsa.privateKey).replace(/\n/g, ' ');
    const sig = await one({ action: 'sign', algorithm: 'RSA-SHA256', privateKey: flat, value: 'payload' });
    expect(
      createVerify('RSA-SHA256')
        .update('payload')
        .verify(rsa.publicKey, sig as string, 'hex'),
    ).toBe(true);
    expect(pemOf(flat)).toBe(pem(rsa.privateKey).trim());
  });

  it('RSA signatures are the same each time (PKCS#1 v1.5)', async () => {
    const p = { action: 'sign', algorithm: 'RSA-SHA256', privateKey: pem(rsa.privateKey), value: 'v' };
    expect(await one(p)).toBe(await one(p));
  });

  it('a missing key or a bad algorithm is a clear error', async () => {
    await expect(run({ action: 'sign', algorithm: 'RSA-SHA256', value: 'v' })).rejects.toThrow(/No private key set/);
    await expect(
      run({ action: 'sign', algorithm: 'nope', privateKey: pem(rsa.privateKey), value: 'v' }),
    ).rejects.toThrow(/Invalid digest/);
  });
});

describe('generate', () => {
  const ascii = (n: number) => (v: string) => v.length === n && Buffer.from(v, 'utf8').every((b) => b < 0x80);
  const matching = (re: RegExp) => (v: string) => re.test(v);
  it.each([
    ['uuid', 32, matching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)],
    ['hex', 10, matching(/^[0-9a-f]{10}$/)],
    ['base64', 40, matching(/^[A-Za-z0-9]{1,40}$/)],
    ['ascii', 16, ascii(16)],
  ])('%s', async (encodingType, stringLength, shape) => {
    const a = await one({ action: 'generate', encodingType, stringLength });
    const b = await one({ action: 'generate', encodingType, stringLength });
    expect(typeof a === 'string' && shape(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('refuses a length that is not a whole number', async () => {
    await expect(run({ action: 'generate', encodingType: 'hex', stringLength: '={{ "x" }}' })).rejects.toThrow(
      /whole number/,
    );
  });
});

describe('import', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [{ id: 'c', name: 'C', type: 'n8n-nodes-base.crypto', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });

  it.each([
    [1, 'MD5'],
    [2, 'SHA256'],
  ])("version %s's hash type default is %s", (version, type) => {
    const result = imported(version, { value: 'x' });
    expect(result.definition.nodes[0]?.parameters).toEqual({ value: 'x', type });
    expect(result.warnings).toEqual([]);
  });

  it("version 1's secret and key, written in the node, stay out of the workflow; the import says to use a credential", () => {
    const result = imported(1, { action: 'hmac', secret: 's3cret', privateKey: 'PEM' });
    expect(result.definition.nodes[0]?.parameters).toEqual({ action: 'hmac', type: 'MD5' });
    expect(JSON.stringify(result.definition)).not.toContain('s3cret');
    expect(result.warnings.map((w) => w.message).join('\n')).toMatch(
      /HMAC secret is written in the node.*Crypto credential[\s\S]*private key is written in the node/,
    );
  });

  it('binary input and encrypt are named as not supported in Weft yet', () => {
    expect(
      imported(2, { binaryData: true })
        .warnings.map((w) => w.message)
        .join(),
    ).toMatch(/not supported in Weft yet/);
    expect(
      imported(2, { action: 'encrypt' })
        .warnings.map((w) => w.message)
        .join(),
    ).toMatch(/not supported in Weft yet/);
  });
});
