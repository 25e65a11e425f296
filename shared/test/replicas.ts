import * as Y from 'yjs';
import { ROOT_EDGES, ROOT_META, ROOT_NODES, ROOT_PINS } from '../src/schema/roots.ts';

/**
 * Test helpers for replicas that exchange updates explicitly (no sockets, no
 * timers): a change on one replica reaches another only when the test says so.
 */

/** A fresh replica with a fixed client id, so conflict resolution is reproducible. */
export const replica = (clientID: number, from?: Y.Doc): Y.Doc => {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return doc;
};

/** Sends to `to` everything `from` has that `to` lacks. */
export const send = (from: Y.Doc, to: Y.Doc): void => {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
};

/** Exchanges state both ways until every replica holds everything. */
export const syncAll = (...docs: Y.Doc[]): void => {
  for (const a of docs) for (const b of docs) if (a !== b) send(a, b);
};

/** JSON with object keys sorted: Y.Map key order is per-replica insertion order. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** Doc.toJSON only lists roots this replica has touched, so read the workflow roots by name. */
const content = (doc: Y.Doc): unknown => ({
  meta: doc.getMap(ROOT_META).toJSON(),
  nodes: doc.getMap(ROOT_NODES).toJSON(),
  edges: doc.getMap(ROOT_EDGES).toJSON(),
  pins: doc.getMap(ROOT_PINS).toJSON(),
});

const sortedVector = (doc: Y.Doc): string =>
  JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]));

/**
 * Whether two replicas hold the same document: same content, same state
 * vector and same delete set (what yjs' own compareDocs checks).
 */
export const sameState = (a: Y.Doc, b: Y.Doc): boolean =>
  canonicalJson(content(a)) === canonicalJson(content(b)) &&
  sortedVector(a) === sortedVector(b) &&
  Y.equalDeleteSets(Y.createDeleteSetFromStructStore(a.store), Y.createDeleteSetFromStructStore(b.store));
