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

export const encodeSyncStep1 = (doc: Y.Doc): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.step1);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
  return encoding.toUint8Array(e);
};

export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.step2);
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
  return encoding.toUint8Array(e);
};

export const encodeUpdate = (update: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, SyncMessageType.update);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
};

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
