import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Crypto 1 and 2. Version 1 holds the HMAC secret and the private key in the
 * node; version 2 takes them from an n8n "Crypto" credential, whose secrets
 * an export does not carry: they are asked for in the node's fields. The
 * hash type's default was MD5 in version 1 and is SHA256 in version 2.
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
  if (r.version < 2) same(r, out, ['secret', 'privateKey']);
  else if (action === 'hmac' || action === 'sign')
    r.problem(
      `its ${action === 'hmac' ? 'HMAC secret' : 'private key'} is in an n8n Crypto credential, which an export does not carry: write it in the node's ${action === 'hmac' ? 'Secret' : 'Private key'} field`,
    );
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
