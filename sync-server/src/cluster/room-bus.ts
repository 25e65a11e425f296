import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { parseLiveState, type LiveState } from './live-state.ts';

/**
 * News about documents between server instances (docs/plans/scale-out.md §5).
 * The bus carries news, never the truth: every update it announces is
 * committed to the database first, and a message lost on the way is found
 * missing by its seq and read back from the database. Delivery is therefore
 * at most once, in any order, and an instance never receives its own
 * messages.
 */

export type RoomMessage =
  /** Updates committed with seqs firstSeq..lastSeq; `data` is left out when large (read them back). */
  | { t: 'updates'; from: string; firstSeq: number; lastSeq: number; data?: Uint8Array[] }
  /** An awareness update a local socket was allowed to make (already filtered). */
  | { t: 'awareness'; from: string; update: Uint8Array }
  /** A room just loaded: peers answer with their local clients' awareness. */
  | { t: 'awarenessQuery'; from: string }
  /** The sender's whole live status of the workflow after its change (merge it, see live-state.ts). */
  | { t: 'live'; from: string; state: LiveState }
  /** The document is gone (workflow deleted): close its sockets with this code. */
  | { t: 'evict'; from: string; code: number; reason: string }
  /** News for the live feed's channel (live-feed/live-feed.ts checks the JSON). */
  | { t: 'feed'; from: string; payload: string };

export interface RoomBus {
  /** This instance's id, the `from` of what it publishes. */
  readonly instanceId: string;
  /** Resolves once subscribed: what others publish after that reaches `on` (at most once). Resolves to unsubscribe. */
  subscribe(docId: string, on: (message: RoomMessage) => void): Promise<() => Promise<void>>;
  /** Never throws: a failure is logged (the seq gap or the heads probe repairs it). */
  publish(docId: string, message: RoomMessage): void;
  /** Called when subscriptions may have missed messages (a reconnect). */
  onReconnect(fn: () => void): () => void;
  /**
   * Keeps this instance's latest live state of a document (for an hour after
   * the last save), for instances that load the room later. Each instance
   * keeps its own entry, so saves never race; `loadLive` merges them. Never
   * throws: a failure is logged (the next save or message repairs it).
   */
  saveLive(docId: string, state: LiveState): void;
  /** Every instance's saved live state of a document, merged; undefined when none (or the bus is away). */
  loadLive(docId: string): Promise<LiveState | undefined>;
  /** The document is gone: its saved live state too. */
  forgetLive(docId: string): void;
  /**
   * Runs `fn` while no other instance runs a `withLock` of the same key.
   * The lock lapses `ttlMs` after its holder died; while `fn` runs it is
   * renewed. Rejects (without running `fn`) when the lock cannot be asked for.
   */
  withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Updates larger than this together travel as seqs only; receivers read them from the database. */
export const MAX_INLINE_UPDATE_BYTES = 64 * 1024;

const TYPES = ['updates', 'awareness', 'awarenessQuery', 'live', 'evict', 'feed'] as const;

/** A compact binary form (lib0): updates are bytes, and JSON would triple them. */
export const encodeRoomMessage = (message: RoomMessage): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, TYPES.indexOf(message.t));
  encoding.writeVarString(e, message.from);
  switch (message.t) {
    case 'updates':
      encoding.writeVarUint(e, message.firstSeq);
      encoding.writeVarUint(e, message.lastSeq);
      encoding.writeVarUint(e, message.data ? 1 : 0);
      if (message.data) {
        encoding.writeVarUint(e, message.data.length);
        for (const update of message.data) encoding.writeVarUint8Array(e, update);
      }
      break;
    case 'awareness':
      encoding.writeVarUint8Array(e, message.update);
      break;
    case 'awarenessQuery':
      break;
    case 'live':
      encoding.writeVarString(e, JSON.stringify(message.state));
      break;
    case 'evict':
      encoding.writeVarUint(e, message.code);
      encoding.writeVarString(e, message.reason);
      break;
    case 'feed':
      encoding.writeVarString(e, message.payload);
      break;
  }
  return encoding.toUint8Array(e);
};

/** Undefined for anything that is not a well-formed message (logged by the caller, never thrown). */
export const decodeRoomMessage = (bytes: Uint8Array): RoomMessage | undefined => {
  try {
    const d = decoding.createDecoder(bytes);
    const t = TYPES[decoding.readVarUint(d)];
    const from = decoding.readVarString(d);
    let message: RoomMessage | undefined;
    switch (t) {
      case 'updates': {
        const firstSeq = decoding.readVarUint(d);
        const lastSeq = decoding.readVarUint(d);
        const hasData = decoding.readVarUint(d) === 1;
        const data: Uint8Array[] = [];
        if (hasData) for (let n = decoding.readVarUint(d); n > 0; n--) data.push(decoding.readVarUint8Array(d));
        if (firstSeq < 1 || lastSeq < firstSeq) return undefined;
        if (hasData && data.length !== lastSeq - firstSeq + 1) return undefined;
        message = { t, from, firstSeq, lastSeq, ...(hasData ? { data } : {}) };
        break;
      }
      case 'awareness':
        message = { t, from, update: decoding.readVarUint8Array(d) };
        break;
      case 'awarenessQuery':
        message = { t, from };
        break;
      case 'live': {
        const state = parseLiveState(decoding.readVarString(d));
        if (!state) return undefined;
        message = { t, from, state };
        break;
      }
      case 'evict':
        message = { t, from, code: decoding.readVarUint(d), reason: decoding.readVarString(d) };
        break;
      case 'feed':
        message = { t, from, payload: decoding.readVarString(d) };
        break;
      default:
        return undefined;
    }
    return decoding.hasContent(d) ? undefined : message;
  } catch {
    return undefined;
  }
};
