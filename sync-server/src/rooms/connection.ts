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
  /** Viewers are read-only: the room drops their document updates (awareness still flows). */
  canWrite: boolean;
}

/** A message that is not valid y-websocket: the room's caller closes that socket (4400). */
export class ProtocolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
  }
}
