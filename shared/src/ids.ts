import { getRandomValues } from 'lib0/webcrypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random URL-safe id. 16 characters of a 62-letter alphabet carry ~95 bits,
 * enough that two offline clients never pick the same node or workflow id.
 */
export const createId = (length = 16): string => {
  let id = '';
  while (id.length < length) {
    const byte = randomByte();
    // 248 = 4 * 62: reject the tail of the byte range so every letter is equally likely.
    if (byte < 248) id += alphabet.charAt(byte % 62);
  }
  return id;
};

/**
 * Random bytes drawn from the platform's CSPRNG a page at a time: a call per
 * id cost more than the rest of making it (a server makes one per webhook run).
 */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let taken = 0;
const randomByte = (): number => {
  if (taken >= pool.length) {
    pool = getRandomValues(new Uint8Array(POOL_BYTES));
    taken = 0;
  }
  return pool[taken++] as number;
};

/** Digits, then capitals, then small letters: ASCII order, so ids sort as bytes in the order they were made. */
const sortable = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 8;

/**
 * An id of the same shape as createId's (16 letters and digits) that sorts, as
 * bytes, by the millisecond it was made: 8 characters of time (until the year
 * 8888), then 8 random ones (~47 bits; ids made in the same millisecond differ
 * there). For rows written at a high rate and keyed by id — executions and the
 * rows keyed by an execution — so each insert lands beside the last one in
 * every index instead of on a random page: a commit of a batch of webhook
 * runs then writes a few shared pages, not one per run and index. Not for
 * ids that must be unguessable: the time part is not secret.
 */
export const createTimeOrderedId = (now = Date.now()): string => {
  let time = '';
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < TIME_CHARS; i++) {
    time = sortable.charAt(rest % 62) + time;
    rest = Math.floor(rest / 62);
  }
  return time + createId(16 - TIME_CHARS);
};

/** Ids of workflows, nodes and users: what createId makes, plus what imports bring (UUIDs, "n1"). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isValidId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
