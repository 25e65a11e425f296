import { getRandomValues } from 'lib0/webcrypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random URL-safe id. 16 characters of a 62-letter alphabet carry ~95 bits,
 * enough that two offline clients never pick the same node or workflow id.
 */
export const createId = (length = 16): string => {
  const bytes = getRandomValues(new Uint8Array(length * 2));
  let id = '';
  for (let i = 0; i < bytes.length && id.length < length; i++) {
    const byte = bytes[i] as number;
    // 248 = 4 * 62: reject the tail of the byte range so every letter is equally likely.
    if (byte < 248) id += alphabet.charAt(byte % 62);
  }
  return id.length === length ? id : id + createId(length - id.length);
};

/** Ids of workflows, nodes and users: what createId makes, plus what imports bring (UUIDs, "n1"). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isValidId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
