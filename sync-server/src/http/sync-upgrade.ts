import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '#shared/log.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { parseRoomName } from '#shared/protocol/rooms.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { ProtocolError, WriteRefused, type ClientContext, type RoomConnection } from '../rooms/connection.ts';
import type { EditPolicy } from '../modes/edit-policy.ts';
import { KEEPALIVE_MESSAGE } from '../rooms/messages.ts';
import type { Membership, RoomManager } from '../rooms/room-manager.ts';
import { accessOf } from '../workflows/access.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { Role } from '../workflows/workflow-store.ts';
import { apiTokenOf, authenticate, sameOrigin, type Credentials } from './auth.ts';
import { Backpressure } from './backpressure.ts';
import { binaryFrame, frameHeader } from './ws-frame.ts';
import { refuseUpgrade } from './upgrade-router.ts';
import { requestHost, requestScheme } from './host-guard.ts';

export interface SyncEndpointOptions {
  accounts: AccountStore;
  workflows: WorkflowStore;
  rooms: RoomManager;
  logger: Logger;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  /** Behind a trusted proxy, the browser's host is X-Forwarded-Host (http/host-guard.ts). */
  trustProxy: boolean;
  /** Edit modes: a workflow room's mode is read before its handshake completes (its room judges writes by it). */
  policy?: EditPolicy;
  /** Told who opens and closes a workflow's document (the live feed's presence, live-feed/live-feed.ts). */
  presence?: { joined(workflowId: string, userId: string): void; left(workflowId: string, userId: string): void };
}

/** `/sync/<room>`: a workflow's id, or `<id>/discussion` (shared/protocol/rooms.ts). */
const SYNC_PATH = /^\/sync\/([^/?]+(?:\/discussion)?)$/;
/** Frames a socket may send while its room loads; more is abuse. */
const MAX_QUEUED_WHILE_JOINING = 256;
/** The stock client gives up on a socket silent for 30 s; idle sockets get a keepalive well before. */
const KEEPALIVE_AFTER_MS = 10_000;
/** setTimeout's longest delay; a token expiring later is checked then and its timer set again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Rooms send one message object to many sockets in a row; it is framed once
 * and the same bytes are written to every socket. A large message is not
 * copied at all: its header and the message itself go out as two buffers of
 * one write. One cache entry is enough, and unlike a WeakMap it does not keep
 * every message alive through young-generation GCs (V8's scavenger does not
 * clear ephemerons), which would promote them all.
 */
const COPY_BELOW_BYTES = 4096;
let lastMessage: Uint8Array | undefined;
let lastFrame: Buffer[] = [];
const framesOf = (message: Uint8Array): Buffer[] => {
  if (message !== lastMessage) {
    lastMessage = message;
    lastFrame =
      message.byteLength < COPY_BELOW_BYTES
        ? [binaryFrame(message)]
        : [frameHeader(message.byteLength), Buffer.from(message.buffer, message.byteOffset, message.byteLength)];
  }
  return lastFrame;
};

/**
 * One WebSocket adapted to a room connection, with the limits that protect
 * everyone else. Data frames are written straight to the TCP socket: ws still
 * owns the handshake, reading, control frames and closing, and it queues
 * nothing of its own for binary sends without compression (which this server
 * never negotiates), so frames cannot interleave. Frames sent in the same turn
 * of the event loop (a room relays a whole committed batch at once) are
 * gathered and leave in one write from a microtask. On loopback and LAN the
 * write per message, not the bytes, is what a relay spends its CPU on.
 */
class SyncSocket implements RoomConnection {
  alive = true;
  lastSentAt = Date.now();
  membership: Membership | undefined;
  /** Hands one frame to the room, once joined. */
  handle: ((data: Uint8Array) => void) | undefined;
  queued: Uint8Array[] | undefined = [];
  /** Checks of its access in flight (see `revalidate`): what it sends meanwhile waits in `queued` for the verdict. */
  checks = 0;
  /** Set when access was taken away: nothing it sends afterwards reaches the room. */
  revoked = false;
  /** Fires when the API token it opened with expires (one per such socket, cleared when it closes). */
  expiryTimer: NodeJS.Timeout | undefined;
  private readonly outbox: Buffer[] = [];
  private readonly backpressure: Backpressure;

  constructor(
    readonly ws: WebSocket,
    private readonly tcp: Duplex,
    maxBufferedBytes: number,
    private readonly writes: WriteBatcher,
    private readonly onOverflow: (socket: SyncSocket) => void,
    /** What it authenticated with and as whom, to check again when access changes (see `revalidate`). */
    readonly auth: {
      docId: string;
      workflowId: string;
      ctx: ClientContext;
      creds: Credentials;
      role: Role;
      /** When its API token stops authenticating (epoch ms), or null. */
      expiresAt: number | null;
    },
  ) {
    this.backpressure = new Backpressure(maxBufferedBytes);
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.outbox.length === 0) this.writes.add(this);
    for (const buffer of framesOf(message)) this.outbox.push(buffer);
  }

  /** The frames gathered since the last flush (WriteBatcher joins equal ones once for many sockets). */
  get pending(): readonly Buffer[] {
    return this.outbox;
  }

  /**
   * Writes everything gathered since the last flush: `joined` when the batcher
   * joined these frames into one buffer, else in one write or one corked writev.
   */
  flush(now: number, joined: Buffer | undefined): void {
    const frames = this.outbox;
    if (frames.length === 0) return;
    if (this.ws.readyState !== this.ws.OPEN) {
      frames.length = 0;
      return;
    }
    if (joined) {
      this.tcp.write(joined);
      this.backpressure.wrote(joined.byteLength);
    } else {
      if (frames.length > 1) this.tcp.cork();
      for (const frame of frames) {
        this.tcp.write(frame);
        this.backpressure.wrote(frame.byteLength);
      }
      if (frames.length > 1) this.tcp.uncork();
    }
    frames.length = 0;
    this.lastSentAt = now;
    this.checkBackpressure(now);
  }

  /** A reader that stopped reading must not make the server hold its backlog: drop it. */
  checkBackpressure(now: number): void {
    if (this.backpressure.shouldDrop(this.ws.bufferedAmount, now)) this.onOverflow(this);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

/** Frames of one flush joined into one buffer below this many bytes (larger ones go out as a writev, uncopied). */
const JOIN_BELOW_BYTES = 64 * 1024;
/** Distinct frame lists a flush keeps joined: everyone but each sender of the batch (a few) has the same list. */
const JOINED_KEPT = 4;

const sameFrames = (a: readonly Buffer[], b: readonly Buffer[]): boolean =>
  a.length === b.length && a.every((frame, i) => frame === b[i]);

/**
 * Sockets with frames waiting, flushed together in one microtask at the end of
 * the turn that queued them (a room relays a whole committed batch in one turn).
 * A socket with several frames writes them as one buffer, joined once for
 * every socket that has the same frames (in a room's batch, all but its
 * senders): a corked writev per socket cost more than the copy (a CPU profile
 * of bench:sync's 100-client fan-out).
 */
class WriteBatcher {
  private pending: SyncSocket[] = [];
  private spare: SyncSocket[] = [];

  add(socket: SyncSocket): void {
    if (this.pending.length === 0) queueMicrotask(this.flush);
    this.pending.push(socket);
  }

  private readonly flush = (): void => {
    const sockets = this.pending;
    this.pending = this.spare;
    const now = Date.now();
    const joined: { frames: Buffer[]; buffer: Buffer }[] = [];
    for (const socket of sockets) socket.flush(now, this.joinedFor(socket.pending, joined));
    sockets.length = 0;
    this.spare = sockets;
  };

  private joinedFor(frames: readonly Buffer[], joined: { frames: Buffer[]; buffer: Buffer }[]): Buffer | undefined {
    if (frames.length < 2) return undefined;
    const known = joined.find((entry) => sameFrames(entry.frames, frames));
    if (known) return known.buffer;
    let bytes = 0;
    for (const frame of frames) bytes += frame.byteLength;
    if (bytes >= JOIN_BELOW_BYTES) return undefined;
    const buffer = Buffer.concat(frames, bytes);
    if (joined.length < JOINED_KEPT) joined.push({ frames: [...frames], buffer });
    return buffer;
  }
}

const toBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;

/**
 * The `/sync/<room>` endpoint (a workflow, or its discussion): authenticates the
 * upgrade (cookie, Bearer header or `token` query), checks membership of the
 * workflow, then hands frames to the room, whose hooks decide what a role may write.
 * Failures close that socket with a code from close-codes.ts; nothing a single
 * socket sends can take down the room or the server.
 */
export const createSyncEndpoint = (options: SyncEndpointOptions) => {
  const { logger, rooms } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  const sockets = new Set<SyncSocket>();
  const writes = new WriteBatcher();

  const overflow = (socket: SyncSocket): void => {
    logger.warn({ bufferedAmount: socket.ws.bufferedAmount }, 'socket send buffer over the limit; disconnecting');
    socket.ws.terminate();
  };

  /** A `/sync/<id>` handshake (routed by http/upgrade-router.ts). */
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    const match = SYNC_PATH.exec(url.pathname);
    if (!match) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    // Ids are plain ASCII: an escape in one (valid or not) names no workflow.
    const docId = match[1] as string;
    const room = parseRoomName(docId);
    const workflowId = room?.workflowId;
    const creds: Credentials = {
      cookieHeader: req.headers.cookie,
      authorizationHeader: req.headers.authorization,
      queryToken: url.searchParams.get('token') ?? undefined,
    };
    // The handshake waits for the verdict, so no frame can arrive before it. A peer that
    // hangs up meanwhile leaves nothing to upgrade.
    let gone = false;
    const onClose = (): void => {
      gone = true;
    };
    socket.once('close', onClose);
    void verdictFor(req, workflowId, creds, room?.kind === 'workflow')
      .then((verdict) => {
        socket.off('close', onClose);
        if (gone || socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          if ('code' in verdict) {
            // The peer may still send frames until the close completes; a bad one (RSV1 set, say) makes ws
            // emit 'error', which without a listener would end the process.
            ws.on('error', () => ws.terminate());
            ws.close(verdict.code, verdict.reason);
            return;
          }
          accept(ws, socket, {
            docId,
            workflowId: verdict.workflowId,
            ctx: verdict.ctx,
            creds,
            role: verdict.role,
            expiresAt: verdict.expiresAt,
          });
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'upgrading a socket failed');
        refuseUpgrade(socket, 500, 'Internal Server Error');
      });
  };

  /**
   * Decides before the handshake completes; the verdict is delivered as a close code,
   * because browsers hide the HTTP status of a refused upgrade. Never rejects.
   */
  const verdictFor = async (
    req: IncomingMessage,
    workflowId: string | undefined,
    creds: Credentials,
    editsWorkflow = false,
  ): Promise<
    { code: number; reason: string } | { ctx: ClientContext; role: Role; workflowId: string; expiresAt: number | null }
  > => {
    let verdict:
      | { code: number; reason: string }
      | { ctx: ClientContext; role: Role; workflowId: string; expiresAt: number | null };
    try {
      const found = await authenticate(options.accounts, creds);
      if (!found) verdict = { code: CloseCodes.unauthorized, reason: 'unauthorized' };
      else if (
        found.via === 'cookie' &&
        !sameOrigin(
          req.headers.origin,
          requestHost(req.headers, options.trustProxy),
          requestScheme(req.headers, options.trustProxy),
        )
      ) {
        verdict = { code: CloseCodes.forbidden, reason: 'cross-origin' };
      } else if (workflowId === undefined) verdict = { code: CloseCodes.notFound, reason: 'no such workflow' };
      else {
        const access = await accessOf(options.workflows, workflowId, found.user);
        if (access.status === 'notFound') verdict = { code: CloseCodes.notFound, reason: 'no such workflow' };
        else if (access.status === 'forbidden') verdict = { code: CloseCodes.forbidden, reason: 'forbidden' };
        else {
          // Known before any frame arrives (a room whose mode is unknown lets nobody write); read
          // only for members, so made-up ids cannot fill the cache.
          if (editsWorkflow) await options.policy?.ensure(workflowId);
          const token = found.via === 'token' ? apiTokenOf(creds) : undefined;
          const expiresAt = token === undefined ? null : ((await options.accounts.apiTokenExpiry(token)) ?? null);
          verdict = { ctx: { userId: found.user.id, role: access.role }, role: access.role, workflowId, expiresAt };
        }
      }
    } catch (error) {
      logger.error({ err: error }, 'authenticating a socket failed');
      verdict = { code: CloseCodes.internalError, reason: 'internal error' };
    }
    return verdict;
  };

  /** Hands what a socket sent while joining or while its access was checked to its room. */
  const drainQueued = (socket: SyncSocket, handle: (data: Uint8Array) => void): void => {
    const queued = socket.queued ?? [];
    socket.queued = undefined;
    for (const frame of queued) handle(frame);
  };

  const accept = (ws: WebSocket, tcp: Duplex, auth: SyncSocket['auth']): void => {
    const { docId, ctx } = auth;
    const socket = new SyncSocket(ws, tcp, options.maxBufferedBytes, writes, overflow, auth);
    sockets.add(socket);
    const log = logger.child({ docId, userId: ctx.userId });
    // Someone is "in" a workflow while a socket of theirs has its document open (its discussion does not count).
    const present = parseRoomName(docId)?.kind === 'workflow' ? options.presence : undefined;
    present?.joined(auth.workflowId, ctx.userId);

    const handle = (data: Uint8Array): void => {
      try {
        socket.membership?.receive(data);
      } catch (error) {
        if (error instanceof ProtocolError) {
          log.debug({ err: error }, 'malformed message; closing socket');
          socket.close(CloseCodes.malformedMessage, error.message.slice(0, 120));
        } else if (error instanceof WriteRefused) {
          log.info({ reason: error.message }, 'change refused; closing socket');
          socket.revoked = true;
          socket.close(CloseCodes.refusedChange, `change not allowed: ${error.message}`.slice(0, 120));
        } else {
          log.error({ err: error }, 'handling a message failed; closing socket');
          socket.close(CloseCodes.internalError, 'internal error');
        }
      }
    };

    ws.on('message', (data, isBinary) => {
      if (socket.revoked) return;
      if (!isBinary) {
        socket.close(CloseCodes.malformedMessage, 'text frames are not y-websocket');
        return;
      }
      const bytes = toBytes(data);
      if (socket.queued) {
        if (socket.queued.length >= MAX_QUEUED_WHILE_JOINING)
          socket.close(CloseCodes.malformedMessage, 'too many frames before sync');
        else socket.queued.push(bytes);
        return;
      }
      handle(bytes);
    });
    ws.on('pong', () => {
      socket.alive = true;
    });
    ws.on('error', (error) => {
      log.debug({ err: error }, 'socket error');
      // A frame-level error (oversized or invalid frame): ws has sent its close frame and
      // would keep reading and discarding whatever the peer still streams (up to the rest of
      // an oversized frame). Stop reading after ws resumes the socket, then drop it.
      if (ws.readyState === ws.CLOSING) {
        setImmediate(() => tcp.pause());
        setTimeout(() => tcp.destroy(), 1000).unref();
      }
    });
    ws.on('close', () => {
      clearTimeout(socket.expiryTimer);
      sockets.delete(socket);
      socket.queued = undefined;
      socket.membership?.leave();
      present?.left(auth.workflowId, ctx.userId);
    });

    if (auth.expiresAt !== null) watchExpiry(socket, auth.expiresAt);

    rooms.join(docId, socket, ctx).then(
      (membership) => {
        if (ws.readyState !== ws.OPEN || socket.revoked) {
          membership.leave();
          return;
        }
        socket.membership = membership;
        socket.handle = handle;
        // A check of its access in flight drains the queue once it is through.
        if (socket.checks === 0) drainQueued(socket, handle);
      },
      (error: unknown) => {
        log.error({ err: error }, 'joining a room failed');
        socket.close(CloseCodes.internalError, 'could not load the workflow');
      },
    );
  };

  // One timer for all sockets: keepalives for idle ones, pings to find dead ones.
  const tickMs = Math.min(KEEPALIVE_AFTER_MS, options.pingIntervalMs);
  let sincePing = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    sincePing += tickMs;
    const ping = sincePing >= options.pingIntervalMs;
    if (ping) sincePing = 0;
    for (const socket of sockets) {
      if (ping) {
        if (!socket.alive) {
          socket.ws.terminate();
          continue;
        }
        socket.alive = false;
        socket.ws.ping();
      }
      if (socket.membership && now - socket.lastSentAt >= KEEPALIVE_AFTER_MS) socket.send(KEEPALIVE_MESSAGE);
      socket.checkBackpressure(now);
    }
  }, tickMs);
  timer.unref();

  /** Closes a socket opened with an expiring API token when the token expires (its check then finds it gone). */
  const watchExpiry = (socket: SyncSocket, expiresAt: number): void => {
    const delay = Math.max(0, expiresAt - Date.now());
    socket.expiryTimer = setTimeout(
      () => {
        if (socket.revoked || !sockets.has(socket)) return;
        if (Date.now() < expiresAt) {
          watchExpiry(socket, expiresAt);
          return;
        }
        recheckSockets([socket]).catch((error: unknown) =>
          logger.error({ err: error }, 'closing a socket of an expired token failed'),
        );
      },
      // A few ms late, so the store's clock agrees the token has expired.
      Math.min(delay + 5, MAX_TIMER_MS),
    );
    socket.expiryTimer.unref();
  };

  /**
   * Checks open sockets again against the database, right after something
   * took access away (a member removed, a role changed, a logout, a deleted
   * token or account, a disabled account): a socket whose credentials no
   * longer authenticate is closed with 4401, one whose person is no longer a
   * member with 4403, one whose role changed with 4100 (it reconnects with the
   * new role). Its membership ends at once, so nothing it sent after the
   * change is stored, even frames already on their way.
   */
  const revalidate = (filter: { userId?: string; workflowId?: string }): Promise<number> =>
    recheckSockets(
      [...sockets].filter(
        ({ auth, revoked }) =>
          !revoked &&
          (filter.userId === undefined || auth.ctx.userId === filter.userId) &&
          (filter.workflowId === undefined || auth.workflowId === filter.workflowId),
      ),
    );

  const recheckSockets = async (affected: SyncSocket[]): Promise<number> => {
    // Held before the first await: what they send from now on waits for the verdict, and is
    // dropped with them if access is gone.
    for (const socket of affected) {
      socket.checks += 1;
      socket.queued ??= [];
    }
    const verdicts = await Promise.all(affected.map((socket) => recheck(socket)));
    let closed = 0;
    affected.forEach((socket, i) => {
      socket.checks -= 1;
      const verdict = verdicts[i];
      if (socket.revoked) return;
      if (!verdict) {
        if (socket.checks === 0 && socket.handle) drainQueued(socket, socket.handle);
        return;
      }
      socket.revoked = true;
      socket.queued = undefined;
      socket.membership?.leave();
      socket.close(verdict.code, verdict.reason);
      closed += 1;
    });
    return closed;
  };

  /** Why a socket must close now, or undefined while its access still holds. Never rejects. */
  const recheck = async (socket: SyncSocket): Promise<{ code: number; reason: string } | undefined> => {
    const { auth } = socket;
    try {
      const found = await authenticate(options.accounts, auth.creds);
      if (found?.user.id !== auth.ctx.userId) return { code: CloseCodes.unauthorized, reason: 'signed out' };
      const access = await accessOf(options.workflows, auth.workflowId, found.user);
      if (access.status === 'notFound') return { code: CloseCodes.notFound, reason: 'no such workflow' };
      if (access.status === 'forbidden') return { code: CloseCodes.forbidden, reason: 'removed' };
      if (access.role !== auth.role) return { code: CloseCodes.roleChanged, reason: 'role changed' };
      return undefined;
    } catch (error) {
      logger.error({ err: error }, 'checking a socket again failed; closing it');
      return { code: CloseCodes.internalError, reason: 'internal error' };
    }
  };

  return {
    get socketCount(): number {
      return sockets.size;
    },
    revalidate,
    route: { matches: (pathname: string) => pathname.startsWith('/sync/'), handle: handleUpgrade },
    /** Stops accepting sockets; rooms.shutdown() closes the joined ones. */
    close(): void {
      clearInterval(timer);
      for (const socket of sockets) if (!socket.membership) socket.close(CloseCodes.goingAway, 'server shutting down');
      wss.close();
    },
  };
};
