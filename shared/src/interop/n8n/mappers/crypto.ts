import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Crypto 1 and 2. Weft's node takes the HMAC secret and the private key from
 * a Crypto credential, as n8n's version 2 does: version 1's, written in the
 * node, are not carried into the workflow (whose every member reads it); the
 * import says to put them in a credential. The hash type's default was MD5
 * in version 1 and is SHA256 in version 2.
 * Binary input and version 2's encrypt and decrypt are not in Weft yet: the
 * import says so and the node fails with that reason when it runs.
 */
const crypto: Mapper = (r) => {
  const out: Params = {};
  same(r, out, ['action', 'value', 'dataPropertyName', 'encoding', 'algorithm', 'encodingType', 'stringLength']);
  const action = out.action ?? 'hash';
  if (action === 'hash' || action === 'hmac') out.type = r.get('type') ?? (r.version < 2 ? 'MD5' : 'SHA256');
  // n8n's algorithm has no default; Weft's would sign with RSA-SHA256 where n8n fails.
  if (action === 'sign' && out.algorithm === undefined) out.algorithm = '';
  for (const [name, what] of [
    ['secret', 'HMAC secret'],
    ['privateKey', 'private key'],
  ] as const) {
    const value = r.get(name);
    if (typeof value === 'string' && value !== '')
      r.problem(
        `its ${what} is written in the node; Weft keeps keys in credentials and did not copy it: put it in a Crypto credential and choose that`,
      );
  }
  if (action === 'encrypt' || action === 'decrypt') {
    r.problem(`the action "${action}" is not supported in Weft yet; the node fails when it runs`);
    same(r, out, ['mode', 'cipher']);
  }
  if ((action === 'hash' || action === 'hmac') && r.get('binaryData') === true) {
    r.problem('"Binary File": Weft items hold no files yet (not supported in Weft yet); the node fails when it runs');
    out.binaryData = true;
    same(r, out, ['binaryPropertyName']);
  }
  return out;
};

export const cryptoMappers: Record<string, Mapper> = { crypto };
