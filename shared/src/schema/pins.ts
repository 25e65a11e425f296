import * as Y from 'yjs';
import { ErrorCodes, UserError } from '../errors.ts';
import type { Origin } from '../origins.ts';
import { nodesMap, ROOT_PINS } from './roots.ts';

/**
 * Pinned data (docs/plans/n8n-daily.md §2): a node's first output, kept in
 * the document and used instead of running the node in manual and test runs.
 * One atomic JSON value per node in the `pins` root, so a concurrent re-pin
 * resolves to the last writer, as `position` does. Pins are not part of the
 * definition: they change neither the version hash nor "unpublished changes".
 */

/** Largest pin, as JSON text of its items. n8n allows 12 MB a workflow; every open tab and saved version carries these. */
export const PIN_MAX_BYTES = 1024 * 1024;
/** Largest sum of a workflow's pins. */
export const PIN_MAX_TOTAL = 4 * 1024 * 1024;

export const pinSources = ['run', 'typed', 'import'] as const;
export type PinSource = (typeof pinSources)[number];

export type PinItem = Record<string, unknown>;

export interface PinRecord {
  /** The json of each item; pins hold no binary. */
  items: PinItem[];
  /** Who pinned it: the server rewrites it to the sender's user id (a client cannot forge it). */
  by: string;
  /** Epoch ms. */
  at: number;
  source: PinSource;
  /** The execution it was pinned from (source 'run'). */
  execution?: string;
}

export const pinsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(ROOT_PINS);

const isPlainObject = (value: unknown): value is PinItem =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** UTF-8 bytes of a string without encoding it (shared code has no Buffer). */
const utf8Bytes = (text: string): number => {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair: 2 UTF-16 units, 4 bytes.
      bytes += 2;
      i++;
    } else if (c >= 0x800) bytes += 2;
    else if (c >= 0x80) bytes += 1;
  }
  return bytes;
};

/** The pin's size as the limits count it: the JSON text of its items. */
export const pinBytes = (record: Pick<PinRecord, 'items'>): number => utf8Bytes(JSON.stringify(record.items));

const megabytes = (bytes: number): string => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/** The record a stored value stands for, or undefined when it is not one (an old or hostile client wrote it). */
export const asPinRecord = (value: unknown): PinRecord | undefined => {
  if (!isPlainObject(value)) return undefined;
  const { items, by, at, source, execution } = value;
  if (!Array.isArray(items) || !items.every(isPlainObject)) return undefined;
  if (typeof by !== 'string' || by.length > 200) return undefined;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  if (!pinSources.includes(source as PinSource)) return undefined;
  if (execution !== undefined && (typeof execution !== 'string' || execution.length > 200)) return undefined;
  const record: PinRecord = { items, by, at, source: source as PinSource };
  if (execution !== undefined) record.execution = execution;
  return record;
};

/**
 * What is wrong with a pin, in words a person can act on, or null. With
 * `doc` and `nodeId`, also that the node exists and that the workflow's pins
 * (this one replacing the node's current pin) stay within PIN_MAX_TOTAL.
 */
export const checkPin = (record: unknown, where?: { doc: Y.Doc; nodeId: string }): string | null => {
  const pin = asPinRecord(record);
  if (!pin) {
    const items = isPlainObject(record) ? record.items : undefined;
    if (!Array.isArray(items)) return 'Pinned data must be a list of items';
    if (!items.every(isPlainObject)) return 'Every pinned item must be an object (like {"name": "Ana"})';
    return 'This pin is not well-formed';
  }
  let bytes: number;
  try {
    bytes = pinBytes(pin);
  } catch {
    return 'Pinned data must be JSON';
  }
  if (bytes > PIN_MAX_BYTES)
    return `Pinned data is limited to ${megabytes(PIN_MAX_BYTES)} per node; this output is ${megabytes(bytes)}`;
  if (where) {
    if (!nodesMap(where.doc).has(where.nodeId)) return `Node ${where.nodeId} does not exist`;
    let total = bytes;
    for (const [id, other] of readPinEntries(where.doc)) if (id !== where.nodeId) total += pinBytes(other);
    if (total > PIN_MAX_TOTAL)
      return `Pinned data is limited to ${megabytes(PIN_MAX_TOTAL)} per workflow; with this pin it would be ${megabytes(total)}`;
  }
  return null;
};

const readPinEntries = (doc: Y.Doc): [string, PinRecord][] => {
  const out: [string, PinRecord][] = [];
  for (const [id, value] of pinsMap(doc)) {
    const pin = asPinRecord(value);
    if (pin) out.push([id, pin]);
  }
  return out;
};

/**
 * The workflow's pins by node id: only well-formed records of nodes that
 * exist (what repair would leave; a run never sees a pin repair deletes).
 */
export const readPins = (doc: Y.Doc): Record<string, PinRecord> => {
  const nodes = nodesMap(doc);
  const out = Object.create(null) as Record<string, PinRecord>;
  for (const [id, pin] of readPinEntries(doc)) if (nodes.has(id)) out[id] = pin;
  return out;
};

/** Pins a node's first output; throws a UserError naming the limit a pin breaks. */
export const pinNode = (
  doc: Y.Doc,
  nodeId: string,
  items: unknown[],
  meta: { by: string; source: PinSource; at?: number; execution?: string },
  origin?: Origin,
): PinRecord => {
  const record: PinRecord = { items: items as PinItem[], by: meta.by, at: meta.at ?? Date.now(), source: meta.source };
  if (meta.execution !== undefined) record.execution = meta.execution;
  const problem = checkPin(record, { doc, nodeId });
  if (problem) throw new UserError(ErrorCodes.badRequest, problem);
  // A copy: the document must not share objects the caller may change later.
  const stored = JSON.parse(JSON.stringify(record)) as PinRecord;
  doc.transact(() => pinsMap(doc).set(nodeId, stored), origin);
  return stored;
};

export const unpinNode = (doc: Y.Doc, nodeId: string, origin?: Origin): boolean => {
  const pins = pinsMap(doc);
  if (!pins.has(nodeId)) return false;
  doc.transact(() => pins.delete(nodeId), origin);
  return true;
};

/**
 * Pins a transaction added or replaced whose `by` is not `userId`: the server
 * rewrites them (§2.3), so "pinned by Ana" cannot be forged by another member.
 */
export const misattributedPins = (doc: Y.Doc, tr: Y.Transaction, userId: string): [string, PinRecord][] => {
  const keys = tr.changed.get(pinsMap(doc) as unknown as Parameters<Y.Transaction['changed']['get']>[0]);
  if (!keys) return [];
  const out: [string, PinRecord][] = [];
  for (const key of keys) {
    if (key === null) continue;
    const pin = asPinRecord(pinsMap(doc).get(key));
    if (pin && pin.by !== userId) out.push([key, pin]);
  }
  return out;
};

/** Rewrites the author of each pin, in one transaction. */
export const setPinAuthors = (doc: Y.Doc, pins: readonly [string, PinRecord][], by: string, origin?: Origin): void => {
  if (pins.length === 0) return;
  doc.transact(() => {
    const map = pinsMap(doc);
    for (const [id, pin] of pins) map.set(id, { ...pin, by });
  }, origin);
};

/**
 * Pins repair deletes (§2.2): of nodes that do not exist, ill-formed or over
 * PIN_MAX_BYTES, and, while the rest add up to more than PIN_MAX_TOTAL, the
 * newest (by `at`, ties by the larger node id). Deterministic, so replicas
 * that run it agree; the server is the one that writes it.
 */
export const pinsToDelete = (doc: Y.Doc): string[] => {
  const nodes = nodesMap(doc);
  const remove: string[] = [];
  const kept: { id: string; at: number; bytes: number }[] = [];
  for (const [id, value] of pinsMap(doc)) {
    if (!nodes.has(id) || checkPin(value) !== null) {
      remove.push(id);
      continue;
    }
    const pin = value as PinRecord;
    kept.push({ id, at: pin.at, bytes: pinBytes(pin) });
  }
  let total = kept.reduce((sum, k) => sum + k.bytes, 0);
  if (total > PIN_MAX_TOTAL) {
    kept.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const k of kept) {
      if (total <= PIN_MAX_TOTAL) break;
      remove.push(k.id);
      total -= k.bytes;
    }
  }
  return remove;
};

/** Items of each pin by node id, as jobs and the exchange JSON carry them. */
export const pinItemsOf = (pins: Readonly<Record<string, PinRecord>>): Record<string, PinItem[]> => {
  const out: Record<string, PinItem[]> = {};
  for (const id of Object.keys(pins).sort()) out[id] = (pins[id] as PinRecord).items;
  return out;
};
