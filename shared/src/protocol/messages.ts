/**
 * y-websocket message framing (see PROTOCOL.md). Each WebSocket binary frame
 * holds exactly one message: a varUint message type followed by its payload.
 * The numbers are y-websocket's; Weft adds none on this socket.
 */
export const MessageType = {
  /** y-protocols sync: step 1 (state vector), step 2 (missing updates) or an update. */
  sync: 0,
  /** y-protocols awareness update. */
  awareness: 1,
  /** y-protocols auth (permission denied); the server never sends it, it closes with 4401/4403. */
  auth: 2,
  /** Ask the peer to send every awareness state it knows. */
  queryAwareness: 3,
} as const;

export type MessageTypeNumber = (typeof MessageType)[keyof typeof MessageType];

/** y-protocols/sync sub-types, repeated here so readers of PROTOCOL.md find them in code. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;
