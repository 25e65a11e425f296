import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './connection.ts';
import { ValidatingReplica } from './validating-replica.ts';

/** A rule to judge by: keys of the map `once` may be added, never changed or removed; nothing else may change. */
const onceOnly = (tr: Y.Transaction, shadow: Y.Doc): string | undefined => {
  const once = shadow.getMap('once');
  for (const [type, keys] of tr.changed) {
    if ((type as unknown) !== once) return 'only the map "once" may change';
    for (const [key, change] of new Y.YMapEvent(once, tr, keys).changes.keys) {
      if (change.action !== 'add') return `key ${key} was already set`;
    }
  }
  return undefined;
};
const prepare = (doc: Y.Doc): void => {
  doc.getMap('once');
};

const updateOf = (base: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  edit(doc);
  return Y.encodeStateAsUpdate(doc, before);
};

describe('ValidatingReplica', () => {
  it('judges an update on its copy, leaving the live document to the caller', () => {
    const live = new Y.Doc();
    const replica = new ValidatingReplica(live, prepare);
    const update = updateOf(live, (d) => d.getMap('once').set('a', 1));
    expect(replica.check(update, onceOnly)).toEqual({ status: 'accepted' });
    expect(live.getMap('once').size).toBe(0);
    Y.applyUpdate(live, update);
    expect(live.getMap('once').get('a')).toBe(1);
  });

  it('forgets a refused update: what it judges next is the live document, not the refused change', () => {
    const live = new Y.Doc();
    live.getMap('once').set('a', 1);
    const replica = new ValidatingReplica(live, prepare);
    const overwrite = updateOf(live, (d) => d.getMap('once').set('a', 2));
    expect(replica.check(overwrite, onceOnly)).toEqual({ status: 'refused', reason: 'key a was already set' });
    const elsewhere = updateOf(live, (d) => d.getMap('other').set('x', 1));
    expect(replica.check(elsewhere, onceOnly)).toEqual({ status: 'refused', reason: 'only the map "once" may change' });
    // Had the overwrite stayed in the copy, this new key would merge beside it; it is judged alone.
    const fresh = updateOf(live, (d) => d.getMap('once').set('b', 1));
    expect(replica.check(fresh, onceOnly)).toEqual({ status: 'accepted' });
    Y.applyUpdate(live, fresh);
    expect(live.getMap('once').toJSON()).toEqual({ a: 1, b: 1 });
  });

  it("follows the live document's own changes (server edits, other instances' commits)", () => {
    // A client that had not seen the server's key sets it too. Whichever of two concurrent sets
    // Yjs lets win (it depends on the client ids), the server's value must survive.
    for (const offset of [-1, 1]) {
      const live = new Y.Doc();
      const replica = new ValidatingReplica(live, prepare);
      const client = new Y.Doc();
      client.clientID = live.clientID + offset;
      live.getMap('once').set('a', 'server');
      client.getMap('once').set('a', 'client');
      const verdict = replica.check(Y.encodeStateAsUpdate(client), onceOnly);
      if (verdict.status === 'accepted') Y.applyUpdate(live, Y.encodeStateAsUpdate(client));
      else expect(verdict).toEqual({ status: 'refused', reason: 'key a was already set' });
      expect(live.getMap('once').get('a')).toBe('server');
    }
  });

  it('cannot judge an update whose dependencies it lacks, and judges it once they arrived', () => {
    const live = new Y.Doc();
    const replica = new ValidatingReplica(live, prepare);
    const client = new Y.Doc();
    client.getMap('once').set('a', 1);
    const first = Y.encodeStateAsUpdate(client);
    const seen = Y.encodeStateVector(client);
    client.getMap('once').set('b', 1);
    // Only the second change: it continues the client's clock past what the live document has.
    const second = Y.encodeStateAsUpdate(client, seen);
    expect(replica.check(second, onceOnly)).toEqual({ status: 'incomplete' });
    expect(live.store.pendingStructs).toBeNull();
    Y.applyUpdate(live, first);
    expect(replica.check(second, onceOnly)).toEqual({ status: 'accepted' });
  });

  it('throws ProtocolError for bytes that are no update, and keeps working', () => {
    const live = new Y.Doc();
    const replica = new ValidatingReplica(live, prepare);
    expect(() => replica.check(new Uint8Array([200, 1, 2, 3, 4]), onceOnly)).toThrow(ProtocolError);
    expect(
      replica.check(
        updateOf(live, (d) => d.getMap('once').set('a', 1)),
        onceOnly,
      ),
    ).toEqual({ status: 'accepted' });
  });
});
