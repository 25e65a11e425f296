import { getAsset, getRawAsset, isSea } from 'node:sea';

/**
 * The files the `weft` executable carries (scripts/build-binary.ts). Outside
 * the binary (npm start, tests) there are none and callers read from the
 * source tree instead.
 */

/** Whether this process is the single `weft` executable (Node's single-executable application). */
export const inBinary = (): boolean => isSea();

/**
 * An embedded file, without copying it: the bytes live in the executable's
 * mapped memory and must not be written to. Undefined outside the binary.
 */
export const embeddedBytes = (key: string): Uint8Array<ArrayBuffer> | undefined => {
  if (!isSea()) return undefined;
  const raw = getRawAsset(key);
  return typeof raw === 'string' ? new TextEncoder().encode(raw) : new Uint8Array(raw);
};

/** An embedded text file (UTF-8). Undefined outside the binary. */
export const embeddedText = (key: string): string | undefined => (isSea() ? getAsset(key, 'utf8') : undefined);
