import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The AES-256 key credentials are encrypted with: WEFT_ENCRYPTION_KEY (64 hex
 * characters or base64 of 32 bytes), or a key file in the data directory,
 * created on first start (mode 0600). Losing it makes stored credentials
 * unreadable, so the README tells people to back it up with the database.
 */
export const parseKey = (text: string): Buffer => {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes: 64 hex characters or base64');
  return key;
};

export const loadEncryptionKey = (fromEnv: string | undefined, keyFile: string): Buffer => {
  if (fromEnv) return parseKey(fromEnv);
  if (existsSync(keyFile)) return parseKey(readFileSync(keyFile, 'utf8'));
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return key;
};
