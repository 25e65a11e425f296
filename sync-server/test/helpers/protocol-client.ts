import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '#shared/protocol/messages.ts';
import type { RoomConnection } from '../../src/rooms/connection.ts';
import type { Membership } from '../../src/rooms/room-manager.ts';

const REMOTE = Symbol('remote');

/**
 * A y-websocket peer driven by the test: what the room sends waits in `inbox`
 * until `process()` handles it the way the stock client does (y-protocols'
 * readSyncMessage, applyAwarenessUpdate). No sockets, no timers.
 */
export class ProtocolClient implements RoomConnection {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly inbox: Uint8Array[] = [];
  closed: { code: number; reason: string } | undefined;
  membership: Membership | undefined;
  /** Every update message this client received (to check "no echo"). */
  receivedUpdates = 0;
  /** Items that reached this client again in an update message, though it held them already (no duplicate relays). */
  duplicateItems = 0;

  constructor(clientID: number) {
    this.doc.clientID = clientID;
    // After the client id is set: Awareness copies it at construction.
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.sync);
      syncProtocol.writeUpdate(e, update);
      this.toRoom(encoding.toUint8Array(e));
    });
  }

  send(message: Uint8Array): void {
    this.inbox.push(message.slice());
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  toRoom(message: Uint8Array): void {
    if (!this.closed) this.membership?.receive(message);
  }

  /** What the stock client sends right after connecting. */
  hello(): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.toRoom(encoding.toUint8Array(e));
  }

  setPresence(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    this.toRoom(encoding.toUint8Array(e));
  }

  /** Handles everything in the inbox; replies go back to the room. */
  process(): void {
    for (const message of this.inbox.splice(0)) {
      const d = decoding.createDecoder(message);
      const type = decoding.readVarUint(d);
      if (type === MessageType.sync) {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, MessageType.sync);
        this.countDuplicates(message);
        const sub = syncProtocol.readSyncMessage(d, e, this.doc, REMOTE);
        if (sub === syncProtocol.messageYjsUpdate) this.receivedUpdates++;
        if (encoding.length(e) > 1) this.toRoom(encoding.toUint8Array(e));
      } else if (type === MessageType.awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), REMOTE);
      }
    }
  }

  /** Adds to `duplicateItems` the clocks an update message carries that this document holds already. */
  private countDuplicates(message: Uint8Array): void {
    const d = decoding.createDecoder(message);
    decoding.readVarUint(d);
    if (decoding.readVarUint(d) !== syncProtocol.messageYjsUpdate) return;
    const meta = Y.parseUpdateMeta(decoding.readVarUint8Array(d));
    for (const [client, to] of meta.to) {
      const from = meta.from.get(client) ?? 0;
      const held = Y.getState(this.doc.store, client);
      this.duplicateItems += Math.max(0, Math.min(to, held) - from);
    }
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}
