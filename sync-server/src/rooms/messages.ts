import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';

/**
 * Encoders for the messages the server sends. Framing as in PROTOCOL.md:
 * varUint message type, then the payload. Each function allocates its frame
 * once; callers send the same bytes to every recipient.
 */

/**
 * A sync message in one allocation of its exact size. Updates are relayed to
 * many sockets and can be large; lib0's growing encoder would copy the payload
 * twice on the way.
 */
const syncMessage = (sub: number, payload: Uint8Array): Uint8Array => {
  const head = encoding.createEncoder();
  encoding.writeVarUint(head, MessageType.sync);
  encoding.writeVarUint(head, sub);
  encoding.writeVarUint(head, payload.byteLength);
  const header = encoding.toUint8Array(head);
  const message = new Uint8Array(header.byteLength + payload.byteLength);
  message.set(header, 0);
  message.set(payload, header.byteLength);
  return message;
};

/** Step 1 from a state vector (a cold room has the stored one, not a document). */
export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncMessage(SyncMessageType.step1, stateVector);

export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array): Uint8Array =>
  syncMessage(SyncMessageType.step2, Y.encodeStateAsUpdate(doc, stateVector));

/** Step 2 carrying an update as stored (a cold room's whole snapshot). */
export const encodeSyncStep2FromUpdate = (update: Uint8Array): Uint8Array => syncMessage(SyncMessageType.step2, update);

export const encodeUpdate = (update: Uint8Array): Uint8Array => syncMessage(SyncMessageType.update, update);

export const encodeAwareness = (awareness: awarenessProtocol.Awareness, clients: readonly number[]): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [...clients]));
  return encoding.toUint8Array(e);
};

/**
 * An awareness message with no entries. The stock client drops a connection
 * that has received nothing for 30 s; the server sends this to idle sockets.
 */
export const KEEPALIVE_MESSAGE: Uint8Array = (() => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 0);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
})();

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  /** The JSON text of the state; "null" removes the client. */
  state: string;
}

/** Decodes an awareness update (y-protocols layout: count, then clientID, clock, JSON per entry). */
export const decodeAwarenessEntries = (update: Uint8Array): AwarenessEntry[] => {
  const d = decoding.createDecoder(update);
  const count = decoding.readVarUint(d);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const state = decoding.readVarString(d);
    entries.push({ clientID, clock, state });
  }
  if (decoding.hasContent(d)) throw new Error('trailing bytes after awareness entries');
  return entries;
};

export const encodeAwarenessEntries = (entries: readonly AwarenessEntry[]): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientID);
    encoding.writeVarUint(e, entry.clock);
    encoding.writeVarString(e, entry.state);
  }
  return encoding.toUint8Array(e);
};
