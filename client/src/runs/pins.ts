import { useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { asPinRecord, pinsMap, type PinRecord } from '#shared/schema/index.ts';

/**
 * The workflow's pins as the page reads them: one snapshot per document
 * change of the pins root, so a node's badge and panel re-render only when
 * pins change, not on every edit.
 */
const snapshots = new WeakMap<Y.Doc, ReadonlyMap<string, PinRecord>>();

const read = (doc: Y.Doc): ReadonlyMap<string, PinRecord> => {
  const out = new Map<string, PinRecord>();
  for (const [id, value] of pinsMap(doc)) {
    const pin = asPinRecord(value);
    if (pin) out.set(id, pin);
  }
  return out;
};

type Subscribe = (notify: () => void) => () => void;
/** One subscribe function per document: a new one each render would make React subscribe again each render. */
const subscribers = new WeakMap<Y.Doc, Subscribe>();
const subscribe = (doc: Y.Doc): Subscribe => {
  let fn = subscribers.get(doc);
  if (!fn) {
    fn = (notify) => {
      const map = pinsMap(doc);
      const onChange = () => {
        snapshots.delete(doc);
        notify();
      };
      map.observe(onChange);
      return () => map.unobserve(onChange);
    };
    subscribers.set(doc, fn);
  }
  return fn;
};

const snapshot = (doc: Y.Doc): ReadonlyMap<string, PinRecord> => {
  let current = snapshots.get(doc);
  if (!current) snapshots.set(doc, (current = read(doc)));
  return current;
};

/** Every pin of the workflow by node id. */
export const usePins = (doc: Y.Doc): ReadonlyMap<string, PinRecord> =>
  useSyncExternalStore(subscribe(doc), () => snapshot(doc));

/** One node's pin, if it has one. */
export const usePin = (doc: Y.Doc, nodeId: string): PinRecord | undefined => usePins(doc).get(nodeId);

/** "12 kB", "1.3 MB": a pin's size as people read it. */
export const sizeText = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${Math.round(bytes / 1024)} kB`
      : `${(bytes / 1048576).toFixed(1)} MB`;
