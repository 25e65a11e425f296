/**
 * WebSocket close codes the sync server uses. 4400–4499 mirror HTTP 4xx: the
 * stock y-websocket client (v3) treats them as permanent and stops
 * reconnecting. Other codes are transient and the client retries with backoff.
 * PROTOCOL.md lists when each is sent.
 */
export const CloseCodes = {
  /** Server shutting down or restarting; reconnect later. */
  goingAway: 1001,
  /**
   * The person's role in this workflow changed while connected (raised or
   * lowered): reconnect, and the new socket gets the new role. Transient, so
   * stock clients reconnect on their own.
   */
  roleChanged: 4100,
  /** Frame larger than the configured maximum (sent by `ws` itself). */
  messageTooBig: 1009,
  /** A frame that is not a valid y-websocket message (text frame, bad encoding, bad update). */
  malformedMessage: 4400,
  /** No valid session cookie or token (also: logged out, token deleted, account disabled or deleted while connected). */
  unauthorized: 4401,
  /** Authenticated, but not a member of this workflow (also: removed while connected). */
  forbidden: 4403,
  /** No workflow with this id (or it was deleted while connected). */
  notFound: 4404,
  /**
   * A well-formed update the room's rules do not allow from this member (a
   * comment edited by someone other than its author, say). Nothing of it was
   * stored or relayed. Permanent: sending it again would be refused again.
   */
  refusedChange: 4422,
  /** The server failed while handling this socket; reconnecting may help. */
  internalError: 4500,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

export const isPermanentClose = (code: number): boolean => code >= 4400 && code < 4500;
