import type { WorkflowRole } from '#shared/api/common.ts';

/**
 * What a room needs from a socket (after hocuspocus' WebSocketLike and
 * tldraw's WebSocketMinimal). rooms/ never imports ws or hono; the transport
 * glue in http/ adapts a real socket to this.
 */
export interface RoomConnection {
  /** Queues one binary message. Never throws; a dead or overfull socket is the glue's business. */
  send(message: Uint8Array): void;
  /** Closes the socket with a code from shared/protocol/close-codes. */
  close(code: number, reason: string): void;
}

/** Who is on the other end, decided by authentication before joining. */
export interface ClientContext {
  userId: string;
  /** Their role in the workflow the room belongs to; the room's hooks decide what it may write (RoomHooks.mayWrite). */
  role: WorkflowRole;
}

/** A well-formed update its room's rules do not allow from this member: the caller closes that socket (4422). */
export class WriteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefused';
  }
}

/** A message that is not valid y-websocket: the room's caller closes that socket (4400). */
export class ProtocolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
  }
}
