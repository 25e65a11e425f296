import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { loadEncryptionKey, parseKey } from './encryption-key.ts';

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

describe('encryption key', () => {
  it('is created once in the data directory, readable only by its owner, and read back the same', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'encryption.key');
    const first = loadEncryptionKey(undefined, file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadEncryptionKey(undefined, file).equals(first)).toBe(true);
  });

  it('comes from WEFT_ENCRYPTION_KEY when set, as hex or base64, and refuses anything else', () => {
    const dir = tempDir();
    dirs.push(dir);
    const hex = 'ab'.repeat(32);
    expect(loadEncryptionKey(hex, join(dir.path, 'unused.key')).toString('hex')).toBe(hex);
    expect(parseKey(Buffer.alloc(32, 1).toString('base64'))).toEqual(Buffer.alloc(32, 1));
    expect(() => parseKey('too short')).toThrow(/32 bytes/);
    const bad = join(dir.path, 'bad.key');
    writeFileSync(bad, 'nonsense');
    expect(() => loadEncryptionKey(undefined, bad)).toThrow(/32 bytes/);
  });
});
