import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM as every credential store writes it: a fresh 12-byte IV per
 * write, then the 16-byte tag, then the ciphertext; the tag is checked on read.
 */

const IV = 12;
const TAG = 16;

export const encryptSecret = (key: Buffer, plain: object): Buffer => {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
};

/** Throws when the data was not written with this key (or is damaged). */
export const decryptSecret = (key: Buffer, data: Buffer): Record<string, string> => {
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV));
  decipher.setAuthTag(data.subarray(IV, IV + TAG));
  const plain = Buffer.concat([decipher.update(data.subarray(IV + TAG)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Record<string, string>;
};

/** The `instance_settings` row that says which key the database's credentials are encrypted with. */
export const KEY_CHECK_SETTING = 'encryption_key_check';

/** Tells keys apart without storing anything that helps find one: an HMAC of a constant. */
export const keyCheckOf = (key: Buffer): string =>
  createHmac('sha256', key).update('weft credential key check v1').digest('base64url');

export class EncryptionKeyMismatchError extends Error {
  constructor() {
    super(
      "this database's credentials were encrypted with another key: start with that key (WEFT_ENCRYPTION_KEY, or the DATA_DIR/encryption.key it was written with; every instance of a cluster needs the same one)",
    );
  }
}
