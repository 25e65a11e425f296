import { defineNode, MAIN } from './types.ts';

/** The digests n8n's Crypto node offers for hash and HMAC (n8n's values, which node:crypto reads in any case). */
export const cryptoHashTypes = [
  'MD5',
  'SHA1',
  'SHA256',
  'SHA3-256',
  'SHA3-384',
  'SHA3-512',
  'SHA384',
  'SHA512',
] as const;

const encodings = [
  { value: 'hex', label: 'Hex' },
  { value: 'base64', label: 'Base64' },
] as const;

const when = (...action: string[]) => ({ action }) as const;

export const crypto = defineNode({
  type: 'crypto',
  version: 1,
  label: 'Crypto',
  description: 'Hashes, HMACs or signs a value, or generates a random string or UUID, into a field of each item.',
  category: 'transform',
  icon: 'key-round',
  color: '#408000',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'action',
      label: 'Action',
      kind: 'options',
      default: 'hash',
      options: [
        { value: 'hash', label: 'Hash', description: 'A digest of the value' },
        { value: 'hmac', label: 'HMAC', description: 'A keyed digest of the value' },
        { value: 'sign', label: 'Sign', description: 'A signature of the value with a private key' },
        { value: 'generate', label: 'Generate', description: 'A random string or UUID' },
      ],
    },
    {
      name: 'type',
      label: 'Type',
      kind: 'options',
      default: 'SHA256',
      options: cryptoHashTypes.map((t) => ({ value: t, label: t })),
      showWhen: when('hash', 'hmac'),
    },
    { name: 'value', label: 'Value', kind: 'string', default: '', showWhen: when('hash', 'hmac', 'sign') },
    {
      name: 'algorithm',
      label: 'Algorithm',
      description: 'A digest node:crypto knows, such as RSA-SHA256, sha256 (RSA or EC keys) or sha512.',
      kind: 'string',
      default: 'RSA-SHA256',
      required: true,
      showWhen: when('sign'),
    },
    {
      name: 'encoding',
      label: 'Encoding',
      kind: 'options',
      default: 'hex',
      options: encodings,
      showWhen: when('hash', 'hmac', 'sign'),
    },
    {
      name: 'encodingType',
      label: 'Type',
      kind: 'options',
      default: 'uuid',
      options: [
        { value: 'uuid', label: 'UUID' },
        { value: 'hex', label: 'Hex' },
        { value: 'base64', label: 'Base64' },
        { value: 'ascii', label: 'ASCII' },
      ],
      showWhen: when('generate'),
    },
    {
      name: 'stringLength',
      label: 'Length',
      kind: 'number',
      default: 32,
      min: 0,
      max: 1_000_000,
      integer: true,
      showWhen: { action: ['generate'], encodingType: ['hex', 'base64', 'ascii'] },
    },
    {
      name: 'dataPropertyName',
      label: 'Property name',
      description: 'The field the result is written to; dotted names reach inside objects.',
      kind: 'string',
      default: 'data',
      required: true,
    },
  ],
  // Keys live in a credential, never in the workflow's document (which every member reads), as n8n's Crypto 2.
  credentials: [{ name: 'crypto', label: 'Keys', types: ['crypto'], showWhen: { action: ['hmac', 'sign'] } }],
  keywords: ['hash', 'hmac', 'sha', 'md5', 'sign', 'signature', 'uuid', 'random'],
});
