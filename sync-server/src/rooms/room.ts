import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '#shared/log.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';
import { isOrigin, origins } from '#shared/origins.ts';
import { nestsDeeperThan } from '../json-depth.ts';
import { MAX_INLINE_UPDATE_BYTES, type RoomBus, type RoomMessage } from '../cluster/room-bus.ts';
import type { DocStore, NewDocUpdate } from '../storage/doc-store.ts';
import { ProtocolError, WriteRefused, type ClientContext, type RoomConnection } from './connection.ts';
import type { ReplicaVerdict } from './validating-replica.ts';
import {
  decodeAwarenessEntries,
  type AwarenessEntry,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncStep2FromUpdate,
  encodeUpdate,
} from './messages.ts';

/**
 * What one socket may put into a room's awareness, which the room relays to
 * every member: without bounds, one member could make everyone's send buffer
 * overflow (and the server drop them as slow readers) with huge or countless
 * states. A browser tab owns one client id, and presence streams at most 25
 * pointer updates a second; a state with a selection of a thousand nodes is
 * about 30 kB. Past the id or size bound the socket is closed (4400); updates
 * past the rate are dropped.
 */
export const AWARENESS_LIMITS = {
  /** Client ids one socket may speak for. */
  maxClientIds: 8,
  /** Bytes of one state (its JSON). */
  maxStateBytes: 64 * 1024,
  /** Sustained state changes per second, and the burst allowed above it. */
  perSecond: 50,
  burst: 100,
  /**
   * Nesting of a state's JSON. Presence is a few levels deep; thousands of
   * levels parse, but re-encoding them for the others (JSON.stringify)
   * overflows the stack.
   */
  maxStateDepth: 32,
} as const;

/**
 * Requests that make the server encode a whole state for one socket: a sync
 * step 1 (the document, or all of it past a state vector naming clients the
 * room does not have) and an awareness query. Each costs the server time and
 * memory in the size of the document, for a few bytes sent, so one socket
 * gets a burst of them and then a few a second. Past that a request waits
 * (the latest one of its kind is answered when the socket may ask again),
 * so a client always hears back and a flood costs nothing. The stock client
 * sends one step 1 per connection.
 */
export const STATE_REQUEST_LIMITS = { perSecond: 2, burst: 4 } as const;

/** Updates in a row a member may send that cannot be judged for lack of what they depend on (see passesCheck). */
const MAX_INCOMPLETE_UPDATES = 3;

/** Pacing per member of the room (see RoomOptions.flushIntervalMs): 10 members → 1 ms, 50 → 5 ms. */
export const FLUSH_MS_PER_MEMBER = 0.1;

/** A socket in a room, and the Yjs transaction origin of what it sends. */
export class Member {
  /** Awareness client ids this socket controls; removed for everyone when it leaves. */
  readonly awarenessIds = new Set<number>();
  /** Awareness updates it may still send now (a token bucket, see AWARENESS_LIMITS). */
  awarenessTokens: number = AWARENESS_LIMITS.burst;
  awarenessRefilledAt = 0;
  /** Whole-state requests it may still make now (a token bucket, see STATE_REQUEST_LIMITS). */
  stateTokens: number = STATE_REQUEST_LIMITS.burst;
  stateRefilledAt = 0;
  /** Requests past the rate, answered when it may ask again: the latest state vector, and whether it queried awareness. */
  deferred: { stateVector?: Uint8Array; awareness?: boolean; timer: ReturnType<typeof setTimeout> } | undefined;
  /** Updates in a row that could not be judged (ReplicaVerdict 'incomplete'). */
  incompleteUpdates = 0;
  /** Whether it could write when last asked: gaining write access is what earns it the server's step 1. */
  couldWrite = false;
  /**
   * It sent edits the room dropped for now (a lock, another's pen; not its
   * role). Once it may write it is asked for its state, so they merge then.
   */
  held = false;
  constructor(
    readonly conn: RoomConnection,
    readonly ctx: ClientContext,
  ) {}
}

export interface RoomHooks {
  /**
   * Whether a member's document updates are applied. One who may not write
   * is never asked for its state (no sync step 1), and what it sends anyway is
   * dropped unread; awareness still flows. Asked per update, so a change of
   * rule (a lock) takes effect on the next frame. Without this hook everyone writes.
   */
  mayWrite?(docId: string, ctx: ClientContext): boolean;
  /**
   * When mayWrite says no: whether only for now (an edit mode, not the role).
   * Such a member's dropped updates are held, and merged once it may write
   * (see Room.writeAccessChanged). Without this hook nobody is held.
   */
  holdsBack?(docId: string, ctx: ClientContext): boolean;
  /**
   * Judges a writer's update before it touches the document (see
   * rooms/validating-replica.ts), after afterLoad ran. Refused: the room
   * throws WriteRefused and nothing is applied, stored or relayed.
   * Incomplete (it depends on changes the room lacks): it is dropped and the
   * member asked for its whole difference.
   */
  checkClientUpdate?(docId: string, ctx: ClientContext, update: Uint8Array): ReplicaVerdict;
  /** Right after the document loaded, before anyone is answered (schema migrations). */
  afterLoad?(docId: string, doc: Y.Doc): void;
  /**
   * After a client's update was applied, with the transactions it caused.
   * May write follow-up edits (repairs); they are persisted and relayed to
   * everyone, the sender included.
   */
  afterClientUpdate?(doc: Y.Doc, transactions: readonly Y.Transaction[]): void;
  /**
   * After updates another instance committed were applied, with the
   * transactions they caused: two edits valid alone (two nodes named alike,
   * made on two instances) may conflict only once merged, and no instance's
   * client hook saw the pair (docs/plans/scale-out.md §5.10). Follow-up
   * edits are persisted and relayed as afterClientUpdate's are.
   */
  afterRemoteUpdate?(doc: Y.Doc, transactions: readonly Y.Transaction[]): void;
  /**
   * After a batch of updates was committed and relayed, with the people whose
   * updates it held (members' and server edits made as someone; repairs and
   * migrations have no author).
   */
  afterCommit?(docId: string, doc: Y.Doc, authorIds: readonly string[]): void;
  /**
   * When the room takes its queued updates for a commit, before writing
   * them: whatever the hooks noted about updates so far belongs to that
   * batch, and its afterCommit is the next one. Updates applied while it is
   * written go with the batch after (their afterCommit comes later, or never
   * if that commit fails and the room closes).
   */
  sealBatch?(docId: string): void;
  /** The document's layout version, recorded with each snapshot (null: it has none). */
  schemaVersion?(doc: Y.Doc): number | null;
  /**
   * Whether a snapshot of this recorded layout version is what afterLoad would
   * leave unchanged, so a room may answer from its bytes unread (cold). Without
   * this hook every snapshot qualifies; with it, an older, newer or unrecorded
   * version is decoded, migrated and committed before anyone is answered.
   */
  isCurrentSchema?(schemaVersion: number | null): boolean;
}

export interface RoomOptions {
  docId: string;
  store: DocStore;
  logger: Logger;
  /** Fold the log into a snapshot once it holds this many updates. */
  compactEvery: number;
  /**
   * Cap on the least time between two commits. Idle, an update is committed at
   * once; right after a commit, the next waits `FLUSH_MS_PER_MEMBER` per member
   * (at most this), so one transaction and one write per socket carry every
   * update that arrived meanwhile (cf. Kafka's linger.ms). A commit costs a
   * write per member, so big rooms batch and small rooms hardly wait.
   */
  flushIntervalMs?: number;
  hooks?: RoomHooks;
  now?: () => number;
  /**
   * Other instances' rooms of the same document (docs/plans/scale-out.md §5):
   * this room publishes what it committed and its sockets' awareness, and
   * takes theirs. Without a bus the room is the document's only writer.
   */
  bus?: RoomBus;
}

/** Origin of awareness changes that came from another instance. */
const REMOTE = Symbol('remote');

/**
 * Lifetime of the lock a layout migration holds on a document across
 * instances (renewed while the migration runs; lapses this long after its
 * holder died).
 */
export const MIGRATION_LOCK_MS = 30_000;

/** Bus messages kept while the room loads (subscribed first, so nothing committed meanwhile is missed). */
const MAX_EARLY_MESSAGES = 10_000;

interface PendingUpdate {
  record: NewDocUpdate;
  /** The member that sent it, who must not get it back (null: the server's own edit). */
  from: Member | null;
}

/** Awareness states only the server may set (see receiveAwareness). */
const claimsServer = (state: unknown): boolean =>
  typeof state === 'object' && state !== null && Object.prototype.hasOwnProperty.call(state, 'server');

/**
 * One loaded document and the sockets editing it. Speaks y-websocket on
 * RoomConnection; knows nothing of HTTP or ws.
 *
 * Rules (shared/SPEC.md):
 * - SYNC1: an update is committed to the store before it is relayed to anyone,
 *   and no sync reply ever carries uncommitted state.
 * - SYNC2: an update is relayed to every other member, never back to its sender.
 * - SYNC3: a room exists only once its document has been read from the store,
 *   so no client is ever answered from an empty document. A room whose store
 *   holds just a snapshot starts "cold": it answers a client that has nothing
 *   (an empty state vector) with the stored snapshot bytes, which are the whole
 *   committed document, and decodes the snapshot into its Y.Doc only when
 *   something needs the document (an edit, a client that holds part of it, a
 *   server-side read). Newcomers and viewers never pay for decoding. Only a
 *   snapshot recorded at the current layout version starts cold: any other is
 *   migrated and the migration committed before the room answers anyone.
 * - SYNC4: viewers' document updates are dropped; their awareness flows.
 * - SYNC5: when a socket leaves, the awareness states it controlled are
 *   removed for everyone.
 * - SYNC6: a malformed message throws ProtocolError; the caller closes that
 *   one socket, the room carries on.
 */
export class Room {
  readonly docId: string;
  readonly awareness: awarenessProtocol.Awareness;
  private readonly ydoc: Y.Doc;
  /** The stored snapshot a cold room answers from until it hydrates. */
  private cold: { snapshot: Uint8Array; stateVector: Uint8Array } | null;
  private readonly members = new Map<RoomConnection, Member>();
  /** Which member controls each awareness client id (one socket cannot speak for another's). */
  private readonly awarenessOwner = new Map<number, Member>();
  private readonly store: DocStore;
  private readonly logger: Logger;
  private readonly hooks: RoomHooks;
  private readonly compactEvery: number;
  private readonly now: () => number;
  /** Every seq up to this one is in the document (the room's own commits and what it caught up on). */
  private lastSeq: number;
  private snapshotSeq: number;
  private pending: PendingUpdate[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private readonly flushIntervalMs: number;
  private clientTransactions: Y.Transaction[] = [];
  private failed = false;
  private closed = false;
  /** Hooks may see remote edits only once afterLoad has seen the document (a migration's catch-up comes first). */
  private afterLoadRan = false;
  /** The stored snapshot records another layout version than the document has: rewrite it at unload. */
  private snapshotVersionStale = false;
  private readonly bus: RoomBus | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  /** The catch-up in flight (one at a time). */
  private catchingUp: Promise<void> | null = null;
  /** Catch-ups asked for so far; one read serves every request made before it started. */
  private catchUpRequests = 0;
  /** Set by the manager: another instance evicted this document. */
  onEvict: ((code: number, reason: string) => void) | undefined;

  /** Reads the document from the store; the room answers nobody before this resolves. */
  static async load(options: RoomOptions): Promise<Room> {
    // Subscribe before reading, so an update committed elsewhere in between is heard (§5.4).
    let loaded: Room | undefined;
    const early: RoomMessage[] = [];
    const unsubscribe = await options.bus?.subscribe(options.docId, (message) => {
      if (loaded) loaded.receiveFromBus(message);
      else if (early.length < MAX_EARLY_MESSAGES) early.push(message);
    });
    try {
      loaded = await Room.read(options);
    } catch (error) {
      await unsubscribe?.();
      throw error;
    }
    loaded.unsubscribe = unsubscribe;
    for (const message of early) loaded.receiveFromBus(message);
    options.bus?.publish(options.docId, { t: 'awarenessQuery', from: options.bus.instanceId });
    return loaded;
  }

  private static async read(options: RoomOptions): Promise<Room> {
    const stored = await options.store.load(options.docId);
    const doc = new Y.Doc({ gc: true });
    const current = options.hooks?.isCurrentSchema?.(stored.snapshotSchemaVersion) ?? true;
    const cold =
      stored.snapshot && stored.snapshotStateVector && stored.updates.length === 0 && current
        ? { snapshot: stored.snapshot, stateVector: stored.snapshotStateVector }
        : null;
    const room = new Room(options, doc, stored.lastSeq, stored.snapshotSeq, cold);
    if (cold) return room;
    room.applyStored(
      stored.snapshot,
      stored.updates.map((u) => u.data),
    );
    if (options.bus && room.layoutOutdated()) {
      // Another instance may be migrating this document right now. Two migrations made at once
      // would each create the step's nested types, and Yjs keeps one of each: whatever someone
      // typed into the other is lost. So: lock, read what others committed, migrate only if
      // that still leaves the layout old, commit, unlock (docs/plans/scale-out.md §5.9).
      try {
        await options.bus.withLock(`doc:${options.docId}`, MIGRATION_LOCK_MS, async () => {
          await room.catchUpNow();
          if (room.failed) return;
          room.runAfterLoad();
          await room.drain();
        });
      } catch (error) {
        // Not migrated unguarded: the load fails, and the client's reconnect tries again.
        await room.close();
        throw error;
      }
    } else {
      room.runAfterLoad();
      // What afterLoad changed (a migration) is committed before anyone is answered (SYNC1).
      await room.drain();
    }
    if (room.failed) {
      await room.close();
      throw new Error(`document ${options.docId} was loaded but its migration could not be stored`);
    }
    // A snapshot without the version it has gets it at unload, even if nobody edits.
    room.snapshotVersionStale =
      stored.snapshot !== null && stored.snapshotSchemaVersion !== (options.hooks?.schemaVersion?.(doc) ?? null);
    return room;
  }

  private constructor(
    options: RoomOptions,
    doc: Y.Doc,
    lastSeq: number,
    snapshotSeq: number,
    cold: { snapshot: Uint8Array; stateVector: Uint8Array } | null,
  ) {
    this.docId = options.docId;
    this.store = options.store;
    this.logger = options.logger;
    this.hooks = options.hooks ?? {};
    this.bus = options.bus;
    this.compactEvery = options.compactEvery;
    this.flushIntervalMs = options.flushIntervalMs ?? 0;
    this.now = options.now ?? Date.now;
    this.ydoc = doc;
    this.cold = cold;
    this.lastSeq = lastSeq;
    this.snapshotSeq = snapshotSeq;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    doc.on('update', this.onDocUpdate);
    doc.on('afterTransaction', this.onAfterTransaction);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** The live document (decoded from the snapshot first if the room is still cold). */
  get doc(): Y.Doc {
    this.hydrate();
    return this.ydoc;
  }

  /** Applies stored updates without handing them to the update handler (they are already stored). */
  private applyUpdates(updates: readonly Uint8Array[]): void {
    this.ydoc.off('update', this.onDocUpdate);
    try {
      for (const update of updates) Y.applyUpdate(this.ydoc, update, origins.load);
    } finally {
      this.ydoc.on('update', this.onDocUpdate);
    }
  }

  /**
   * A stored snapshot, then the log after it. The log goes in one transaction:
   * a tail of hundreds (a server killed before it could compact) applied one
   * transaction each pays each transaction's cleanup and observer calls, 2–5×
   * the time of one (Y.mergeUpdates first costs more than either). The
   * snapshot gets its own: one transaction over snapshot and log makes the
   * end-of-transaction cleanup walk everything at once, which is slower.
   */
  private applyStored(snapshot: Uint8Array | null, log: readonly Uint8Array[]): void {
    if (snapshot) this.applyUpdates([snapshot]);
    if (log.length === 0) return;
    this.ydoc.off('update', this.onDocUpdate);
    try {
      this.ydoc.transact(() => {
        for (const update of log) Y.applyUpdate(this.ydoc, update, origins.load);
      }, origins.load);
    } finally {
      this.ydoc.on('update', this.onDocUpdate);
    }
  }

  /** Lets the hooks see the loaded document (they may migrate it). */
  private runAfterLoad(): void {
    this.hooks.afterLoad?.(this.docId, this.ydoc);
    this.afterLoadRan = true;
  }

  /** Whether afterLoad will migrate the document (a layout version recorded, and not the current one). */
  private layoutOutdated(): boolean {
    if (!this.hooks.schemaVersion || !this.hooks.isCurrentSchema) return false;
    const version = this.hooks.schemaVersion(this.ydoc);
    return version !== null && !this.hooks.isCurrentSchema(version);
  }

  /** Decodes a cold room's snapshot into its Y.Doc. */
  private hydrate(): void {
    if (!this.cold) return;
    const { snapshot } = this.cold;
    this.cold = null;
    this.applyUpdates([snapshot]);
    this.runAfterLoad();
  }

  get size(): number {
    return this.members.size;
  }

  /** Adds a socket: sends it the server's state vector (unless read-only) and everyone's awareness. */
  join(conn: RoomConnection, ctx: ClientContext): Member {
    if (this.closed) throw new Error(`room ${this.docId} is closed`);
    const member = new Member(conn, ctx);
    this.members.set(conn, member);
    member.couldWrite = this.mayWrite(ctx);
    if (member.couldWrite) {
      conn.send(encodeSyncStep1(this.cold ? this.cold.stateVector : Y.encodeStateVector(this.ydoc)));
    }
    const states = this.awareness.getStates();
    if (states.size > 0) conn.send(encodeAwareness(this.awareness, [...states.keys()]));
    return member;
  }

  private mayWrite(ctx: ClientContext): boolean {
    return this.hooks.mayWrite?.(this.docId, ctx) ?? true;
  }

  /**
   * The rules of who may write changed (a lock lifted, the pen handed over):
   * every member that may write now and could not before, or whose edits
   * were held, is sent the server's step 1, as a joining writer is. The
   * stock client answers with everything the room lacks, so held edits merge
   * the way offline edits do (docs/plans/collaboration.md §5.2).
   */
  writeAccessChanged(): void {
    if (this.closed) return;
    let stateVector: Uint8Array | undefined;
    for (const member of this.members.values()) {
      const may = this.mayWrite(member.ctx);
      const regained = may && (!member.couldWrite || member.held);
      member.couldWrite = may;
      if (!regained) continue;
      member.held = false;
      stateVector ??= this.cold ? this.cold.stateVector : Y.encodeStateVector(this.ydoc);
      member.conn.send(encodeSyncStep1(stateVector));
    }
  }

  leave(member: Member): void {
    if (!this.members.delete(member.conn)) return;
    if (member.deferred) clearTimeout(member.deferred.timer);
    member.deferred = undefined;
    const ids = [...member.awarenessIds].filter((id) => this.awarenessOwner.get(id) === member);
    for (const id of ids) this.awarenessOwner.delete(id);
    if (ids.length > 0 && !this.closed) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  /** Handles one binary frame from a member. Throws ProtocolError for anything malformed. */
  receive(member: Member, data: Uint8Array): void {
    if (this.closed || !this.members.has(member.conn)) return;
    let type: number;
    const decoder = decoding.createDecoder(data);
    try {
      type = decoding.readVarUint(decoder);
    } catch (cause) {
      throw new ProtocolError('empty or truncated message', { cause });
    }
    switch (type) {
      case MessageType.sync:
        this.receiveSync(member, decoder);
        return;
      case MessageType.awareness:
        this.receiveAwareness(member, readPayload(decoder, 'awareness update'));
        return;
      case MessageType.queryAwareness:
        expectEnd(decoder);
        if (this.takeStateToken(member)) this.answerAwarenessQuery(member);
        else this.defer(member, { awareness: true });
        return;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  private receiveSync(member: Member, decoder: decoding.Decoder): void {
    let sub: number;
    try {
      sub = decoding.readVarUint(decoder);
    } catch (cause) {
      throw new ProtocolError('truncated sync message', { cause });
    }
    if (sub === SyncMessageType.step1) {
      const stateVector = readPayload(decoder, 'state vector');
      let known: Map<number, number>;
      try {
        known = Y.decodeStateVector(stateVector);
      } catch (cause) {
        throw new ProtocolError('malformed state vector', { cause });
      }
      if (this.takeStateToken(member)) this.answerStep1(member, stateVector, known.size === 0);
      else this.defer(member, { stateVector });
      return;
    }
    if (sub === SyncMessageType.step2 || sub === SyncMessageType.update) {
      const update = readPayload(decoder, 'update');
      if (!this.mayWrite(member.ctx)) {
        // Yjs cannot apply a later update of that client without this one: its next updates would
        // wait forever as pending structs. Asked for its state once it may write, it sends them all.
        if (!isEmptyUpdate(update) && this.hooks.holdsBack?.(this.docId, member.ctx) === true) member.held = true;
        return;
      }
      this.applyClientUpdate(member, update);
      return;
    }
    throw new ProtocolError(`unknown sync message type ${sub}`);
  }

  private applyClientUpdate(member: Member, update: Uint8Array): void {
    // A new client answers the server's step 1 with an empty update: nothing to apply.
    if (isEmptyUpdate(update)) return;
    this.hydrate();
    if (!this.passesCheck(member, update)) return;
    this.clientTransactions = [];
    try {
      Y.applyUpdate(this.ydoc, update, member);
    } catch (cause) {
      throw new ProtocolError('malformed document update', { cause });
    }
    const transactions = this.clientTransactions;
    this.clientTransactions = [];
    if (transactions.length > 0 && this.hooks.afterClientUpdate) {
      try {
        this.hooks.afterClientUpdate(this.doc, transactions);
      } catch (error) {
        this.logger.error({ err: error, docId: this.docId }, 'afterClientUpdate hook failed');
      }
    }
  }

  /** Whether the room's rules let this update through; throws WriteRefused when they refuse it. */
  private passesCheck(member: Member, update: Uint8Array): boolean {
    const verdict = this.hooks.checkClientUpdate?.(this.docId, member.ctx, update);
    if (!verdict) return true;
    if (verdict.status === 'refused') throw new WriteRefused(verdict.reason);
    if (verdict.status === 'accepted') {
      member.incompleteUpdates = 0;
      return true;
    }
    // A client that really holds the missing changes sends them with its whole difference; one
    // that keeps sending updates with made-up dependencies is refused.
    member.incompleteUpdates += 1;
    if (member.incompleteUpdates > MAX_INCOMPLETE_UPDATES) {
      throw new WriteRefused('updates depend on changes nobody sent');
    }
    member.conn.send(encodeSyncStep1(Y.encodeStateVector(this.ydoc)));
    return false;
  }

  private receiveAwareness(member: Member, received: Uint8Array): void {
    let update = received;
    let entries;
    let states: unknown[];
    try {
      entries = decodeAwarenessEntries(update);
      states = entries.map((entry) => JSON.parse(entry.state) as unknown);
    } catch (cause) {
      throw new ProtocolError('malformed awareness update', { cause });
    }
    // Only the server speaks as the server: its own client id, and states marked `server` (run status,
    // active switch), which every client trusts. A client claiming either is dropped, not relayed.
    if (entries.some((entry, i) => entry.clientID === this.awareness.clientID || claimsServer(states[i]))) {
      entries = entries.filter((entry, i) => entry.clientID !== this.awareness.clientID && !claimsServer(states[i]));
      if (entries.length === 0) return;
      update = encodeAwarenessEntries(entries);
    }
    // Stock clients re-broadcast every awareness change they receive, so most entries are
    // echoes the server already has. Only entries that change state (y-protocols' clock
    // rule) count; of those, a socket may speak for ids it owns or nobody owns, and a new
    // socket of the same user takes over (a reconnect whose old socket is not yet known dead).
    const allowed = entries.filter((entry) => {
      if (!this.changesAwareness(entry)) return false;
      const owner = this.awarenessOwner.get(entry.clientID);
      if (owner === undefined || owner === member) return true;
      if (owner.ctx.userId === member.ctx.userId) {
        owner.awarenessIds.delete(entry.clientID);
        return true;
      }
      return false;
    });
    if (allowed.length === 0) return;
    for (const entry of allowed) {
      if (entry.state.length > AWARENESS_LIMITS.maxStateBytes) {
        throw new ProtocolError(`awareness state over ${AWARENESS_LIMITS.maxStateBytes} bytes`);
      }
      if (nestsDeeperThan(entry.state, AWARENESS_LIMITS.maxStateDepth)) {
        throw new ProtocolError(`awareness state nested deeper than ${AWARENESS_LIMITS.maxStateDepth} levels`);
      }
    }
    const newIds = allowed.filter((entry) => !member.awarenessIds.has(entry.clientID)).length;
    if (member.awarenessIds.size + newIds > AWARENESS_LIMITS.maxClientIds) {
      throw new ProtocolError(`more than ${AWARENESS_LIMITS.maxClientIds} awareness client ids on one socket`);
    }
    if (!this.takeAwarenessToken(member)) return;
    for (const entry of allowed) {
      this.awarenessOwner.set(entry.clientID, member);
      member.awarenessIds.add(entry.clientID);
    }
    const filtered = allowed.length === entries.length ? update : encodeAwarenessEntries(allowed);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, member);
  }

  private answerStep1(member: Member, stateVector: Uint8Array, knowsNothing: boolean): void {
    // A newcomer to a cold room gets the stored snapshot as it is: the whole committed document.
    if (this.cold && knowsNothing) {
      member.conn.send(encodeSyncStep2FromUpdate(this.cold.snapshot));
      return;
    }
    this.replyWhenCommitted(member, () => encodeSyncStep2(this.doc, stateVector));
  }

  private answerAwarenessQuery(member: Member): void {
    member.conn.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
  }

  private takeStateToken(member: Member): boolean {
    const now = this.now();
    const { perSecond, burst } = STATE_REQUEST_LIMITS;
    member.stateTokens = Math.min(burst, member.stateTokens + ((now - member.stateRefilledAt) * perSecond) / 1000);
    member.stateRefilledAt = now;
    if (member.stateTokens < 1) return false;
    member.stateTokens -= 1;
    return true;
  }

  /** Keeps a request past the rate (the latest of its kind) and answers it once the socket may ask again. */
  private defer(member: Member, request: { stateVector?: Uint8Array; awareness?: boolean }): void {
    if (member.deferred) {
      if (request.stateVector) member.deferred.stateVector = request.stateVector;
      if (request.awareness) member.deferred.awareness = true;
      return;
    }
    const wait = Math.ceil(((1 - member.stateTokens) * 1000) / STATE_REQUEST_LIMITS.perSecond);
    const timer = setTimeout(
      () => {
        const pending = member.deferred;
        member.deferred = undefined;
        if (!pending || this.closed || !this.members.has(member.conn)) return;
        // A timer callback must not throw: a failure closes this socket only, as a failing frame would.
        try {
          if (pending.stateVector) {
            if (this.takeStateToken(member)) {
              this.answerStep1(member, pending.stateVector, Y.decodeStateVector(pending.stateVector).size === 0);
            } else this.defer(member, { stateVector: pending.stateVector });
          }
          if (pending.awareness) {
            if (this.takeStateToken(member)) this.answerAwarenessQuery(member);
            else this.defer(member, { awareness: true });
          }
        } catch (error) {
          this.logger.error({ err: error, docId: this.docId }, 'answering a deferred request failed');
          this.leave(member);
          member.conn.close(CloseCodes.internalError, 'internal error');
        }
      },
      Math.max(1, wait),
    );
    member.deferred = { ...request, timer };
  }

  private takeAwarenessToken(member: Member): boolean {
    const now = this.now();
    const { perSecond, burst } = AWARENESS_LIMITS;
    member.awarenessTokens = Math.min(
      burst,
      member.awarenessTokens + ((now - member.awarenessRefilledAt) * perSecond) / 1000,
    );
    member.awarenessRefilledAt = now;
    if (member.awarenessTokens < 1) return false;
    member.awarenessTokens -= 1;
    return true;
  }

  /** Mirrors applyAwarenessUpdate's test: a newer clock, or a removal of a present state at the same clock. */
  private changesAwareness(entry: AwarenessEntry): boolean {
    const known = this.awareness.meta.get(entry.clientID)?.clock ?? 0;
    return (
      known < entry.clock ||
      (known === entry.clock && entry.state === 'null' && this.awareness.states.has(entry.clientID))
    );
  }

  /**
   * Runs a server-side edit (REST rename, import) as `userId` and resolves once
   * it is committed and relayed to every member.
   */
  async change<T>(userId: string | null, fn: (doc: Y.Doc) => T): Promise<T> {
    if (this.closed) throw new Error(`room ${this.docId} is closed`);
    let result!: T;
    const doc = this.doc;
    doc.transact(() => {
      result = fn(doc);
    }, origins.server(userId));
    await this.drain();
    return result;
  }

  /** Resolves when nothing is queued or being written. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.flushing) {
      await (this.flushing ?? this.flush());
    }
  }

  /** Waits until the store holds everything applied so far, then sends what `build` makes. */
  private replyWhenCommitted(member: Member, build: () => Uint8Array): void {
    const attempt = (): void => {
      if (this.closed || !this.members.has(member.conn)) return;
      if (this.pending.length > 0 || this.flushing) {
        this.drain().then(attempt, () => {});
        return;
      }
      member.conn.send(build());
    };
    attempt();
  }

  private readonly onAfterTransaction = (tr: Y.Transaction): void => {
    if (tr.origin instanceof Member) this.clientTransactions.push(tr);
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === origins.load) return;
    const from = origin instanceof Member ? origin : null;
    const authorId = from ? from.ctx.userId : isOrigin(origin) && origin.source === 'server' ? origin.userId : null;
    this.pending.push({ record: { authorId, createdAt: this.now(), data: update }, from });
    this.scheduleFlush();
  };

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    const run = (): void => {
      this.flushScheduled = false;
      void this.flush();
    };
    // setImmediate batches every update read in this turn of the event loop into one commit;
    // right after a commit, wait out the rest of the interval so batches grow with load.
    const interval = Math.min(this.flushIntervalMs, this.members.size * FLUSH_MS_PER_MEMBER);
    const wait = this.lastFlushAt + interval - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }

  /** Commits the queued updates in one transaction, then relays each to everyone but its sender. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.length === 0 || this.failed) {
      this.pending = [];
      return Promise.resolve();
    }
    const batch = this.pending;
    this.pending = [];
    this.lastFlushAt = performance.now();
    try {
      this.hooks.sealBatch?.(this.docId);
    } catch (error) {
      this.logger.error({ err: error, docId: this.docId }, 'sealBatch hook failed');
    }
    this.flushing = this.commit(batch).finally(() => {
      this.flushing = null;
      if (this.pending.length > 0) this.scheduleFlush();
    });
    return this.flushing;
  }

  private async commit(batch: PendingUpdate[]): Promise<void> {
    let seqs: { firstSeq: number; lastSeq: number };
    try {
      seqs = await this.store.append(
        this.docId,
        batch.map((p) => p.record),
      );
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const { record, from } of batch) {
      const message = encodeUpdate(record.data);
      for (const member of this.members.values()) if (member !== from) member.conn.send(message);
    }
    this.announce(seqs, batch);
    if (seqs.lastSeq <= this.lastSeq) {
      // Caught up past it already (news of a later seq arrived while this append was in flight).
    } else if (seqs.firstSeq === this.lastSeq + 1) this.lastSeq = seqs.lastSeq;
    else {
      // Another writer of this document committed in between: take what it wrote, so that
      // `lastSeq` keeps meaning "every seq up to here is in this document" (compaction relies on it).
      await this.catchUpNow();
      if (this.failed) return;
    }
    try {
      const authorIds = new Set<string>();
      for (const { record } of batch) if (record.authorId !== null) authorIds.add(record.authorId);
      this.hooks.afterCommit?.(this.docId, this.doc, [...authorIds]);
    } catch (error) {
      this.logger.error({ err: error, docId: this.docId }, 'afterCommit hook failed');
    }
    if (this.lastSeq - this.snapshotSeq >= this.compactEvery) await this.compact(this.lastSeq);
  }

  /** Tells other instances what was just committed, with the updates when they are small. */
  private announce(seqs: { firstSeq: number; lastSeq: number }, batch: readonly PendingUpdate[]): void {
    if (!this.bus) return;
    const bytes = batch.reduce((sum, p) => sum + p.record.data.byteLength, 0);
    this.bus.publish(this.docId, {
      t: 'updates',
      from: this.bus.instanceId,
      ...seqs,
      ...(bytes <= MAX_INLINE_UPDATE_BYTES ? { data: batch.map((p) => p.record.data) } : {}),
    });
  }

  /**
   * Applies and relays updates other writers committed. They are stored
   * already, so they are neither queued nor stored again; every member gets
   * them (a sender too: Yjs ignores what it holds). `gainedOnly` (a read of
   * the log, which holds this room's own commits too) relays only what the
   * document gained, as Yjs encodes it; updates news of the bus carries are
   * another instance's and new here, so they go out as they came.
   */
  private applyCommitted(updates: readonly Uint8Array[], gainedOnly = false): void {
    const doc = this.doc;
    const hook = this.afterLoadRan && this.hooks.afterRemoteUpdate !== undefined;
    const transactions: Y.Transaction[] = [];
    const collect = (tr: Y.Transaction): void => {
      transactions.push(tr);
    };
    const gained: Uint8Array[] = [];
    const onGain = (update: Uint8Array): void => {
      gained.push(update);
    };
    this.ydoc.off('update', this.onDocUpdate);
    if (hook) doc.on('afterTransaction', collect);
    if (gainedOnly) doc.on('update', onGain);
    try {
      for (const update of updates) Y.applyUpdate(doc, update, origins.load);
    } finally {
      this.ydoc.on('update', this.onDocUpdate);
      doc.off('afterTransaction', collect);
      doc.off('update', onGain);
    }
    if (hook && transactions.length > 0) {
      try {
        this.hooks.afterRemoteUpdate?.(doc, transactions);
      } catch (error) {
        this.logger.error({ err: error, docId: this.docId }, 'afterRemoteUpdate hook failed');
      }
    }
    for (const update of gainedOnly ? gained : updates) {
      const message = encodeUpdate(update);
      for (const member of this.members.values()) member.conn.send(message);
    }
  }

  /** Reads and applies what other writers committed after `lastSeq`: one read at a time, again if asked meanwhile. */
  catchUpNow(): Promise<void> {
    this.catchUpRequests += 1;
    if (this.catchingUp) return this.catchingUp;
    const run = async (): Promise<void> => {
      let served = 0;
      while (served < this.catchUpRequests) {
        served = this.catchUpRequests;
        const since = await this.store.loadSince(this.docId, this.lastSeq);
        if (this.closed || this.failed) return;
        // What this room committed itself is in there too; its members had that at commit.
        this.applyCommitted(
          [...(since.snapshot ? [since.snapshot.data] : []), ...since.updates.map((u) => u.data)],
          true,
        );
        this.lastSeq = Math.max(this.lastSeq, since.lastSeq);
      }
    };
    this.catchingUp = run()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.catchingUp = null;
      });
    return this.catchingUp;
  }

  /** The highest seq this room holds every update up to (the heads probe compares it with the store's). */
  get appliedSeq(): number {
    return this.lastSeq;
  }

  /** News from another instance's room of this document. */
  private receiveFromBus(message: RoomMessage): void {
    if (this.closed || this.failed) return;
    switch (message.t) {
      case 'updates':
        if (message.lastSeq <= this.lastSeq) return;
        if (message.firstSeq === this.lastSeq + 1 && message.data && !this.catchingUp) {
          this.applyCommitted(message.data);
          this.lastSeq = message.lastSeq;
        } else void this.catchUpNow();
        return;
      case 'awareness':
        this.applyRemoteAwareness(message.update);
        return;
      case 'awarenessQuery': {
        const local = [...this.awarenessOwner.keys()];
        if (local.length > 0 && this.bus) {
          const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, local);
          this.bus.publish(this.docId, { t: 'awareness', from: this.bus.instanceId, update });
        }
        return;
      }
      case 'evict':
        this.onEvict?.(message.code, message.reason);
        return;
      case 'live':
      case 'feed':
        return;
    }
  }

  /** Another instance's sockets' awareness: never as the server, never as this room's own id. */
  private applyRemoteAwareness(update: Uint8Array): void {
    let entries;
    try {
      entries = decodeAwarenessEntries(update);
    } catch (error) {
      this.logger.warn({ err: error, docId: this.docId }, 'a malformed awareness update came over the bus');
      return;
    }
    const kept = entries.filter((entry) => {
      if (entry.clientID === this.awareness.clientID) return false;
      try {
        return !claimsServer(JSON.parse(entry.state));
      } catch {
        return false;
      }
    });
    if (kept.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(kept), REMOTE);
  }

  /**
   * Folds the log into a snapshot by re-encoding the live document (linear,
   * unlike Y.mergeUpdates over a long log). The snapshot may include updates
   * applied after `uptoSeq`; loading replays them again, which Yjs ignores.
   */
  private async compact(uptoSeq: number): Promise<void> {
    try {
      const doc = this.doc;
      await this.store.compact(this.docId, {
        data: Y.encodeStateAsUpdate(doc),
        stateVector: Y.encodeStateVector(doc),
        uptoSeq,
        schemaVersion: this.hooks.schemaVersion?.(doc) ?? null,
      });
      this.snapshotSeq = uptoSeq;
      this.snapshotVersionStale = false;
    } catch (error) {
      // The log is still complete; compaction is retried after the next commit.
      this.logger.warn({ err: error, docId: this.docId }, 'compaction failed');
    }
  }

  /**
   * The store refused a write. Nothing uncommitted was relayed, and every
   * sender still holds its edits, so the safe move is to drop this room and let
   * clients reconnect and resend (4500 is transient for the stock client).
   */
  private fail(error: unknown): void {
    this.failed = true;
    this.logger.error({ err: error, docId: this.docId }, 'storage write failed; closing the room');
    this.closeAll(CloseCodes.internalError, 'storage failure');
    this.onFail?.();
  }

  /** Set by the manager to unload a room whose store failed. */
  onFail: (() => void) | undefined;

  get isFailed(): boolean {
    return this.failed;
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin !== null && !(origin instanceof Member)) {
      // Timed out by the Awareness itself: release ownership too.
      for (const id of removed) this.awarenessOwner.get(id)?.awarenessIds.delete(id);
      for (const id of removed) this.awarenessOwner.delete(id);
    }
    const changed = added.concat(updated, removed);
    // This instance's sockets' changes (and their removal when a socket leaves) go to the other
    // instances; the server's own entry is per instance and never travels (§5.6).
    if (this.bus && (origin instanceof Member || origin === null)) {
      const ids = changed.filter((id) => id !== this.awareness.clientID);
      if (ids.length > 0) {
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids);
        this.bus.publish(this.docId, { t: 'awareness', from: this.bus.instanceId, update });
      }
    }
    if (changed.length === 0 || this.members.size === 0) return;
    const message = encodeAwareness(this.awareness, changed);
    for (const member of this.members.values()) if (member !== origin) member.conn.send(message);
  };

  closeAll(code: number, reason: string): void {
    for (const member of [...this.members.values()]) {
      this.leave(member);
      member.conn.close(code, reason);
    }
  }

  /** Folds the log into a snapshot now (see RoomManager.foldLogs); the room stays loaded. */
  async foldLog(): Promise<void> {
    await this.drain();
    if (this.closed || this.failed || this.lastSeq <= this.snapshotSeq) return;
    await this.compact(this.lastSeq);
  }

  /** Commits what is queued, compacts a non-empty log, and frees the document. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    // A room still cold has changed nothing: its snapshot is the document.
    if (!this.failed && !this.cold && (this.lastSeq > this.snapshotSeq || this.snapshotVersionStale))
      await this.compact(this.lastSeq);
    this.closeAll(1001, 'room closed');
    this.ydoc.off('update', this.onDocUpdate);
    this.ydoc.off('afterTransaction', this.onAfterTransaction);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
    await this.unsubscribe?.().catch((error: unknown) =>
      this.logger.warn({ err: error, docId: this.docId }, 'leaving the bus failed'),
    );
  }
}

/** A v1 update with no structs and no deletions. */
const isEmptyUpdate = (update: Uint8Array): boolean => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

const readPayload = (decoder: decoding.Decoder, what: string): Uint8Array => {
  let payload: Uint8Array;
  try {
    payload = decoding.readVarUint8Array(decoder);
  } catch (cause) {
    throw new ProtocolError(`truncated ${what}`, { cause });
  }
  expectEnd(decoder);
  return payload;
};

const expectEnd = (decoder: decoding.Decoder): void => {
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message');
};
