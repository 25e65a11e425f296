import { createHash, randomBytes } from 'node:crypto';

/** Session cookie values and API tokens: 256 random bits, stored only as sha256. */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const SESSION_PREFIX = 'ws_';
export const API_TOKEN_PREFIX = 'weft_';

/**
 * The public name of a session (`SessionDto.id`): derived from its stored hash
 * by another hash, so a list of sessions never shows the value the database
 * looks cookies up by, and the id cannot be turned back into a cookie.
 */
export const sessionIdOf = (tokenHash: string): string =>
  createHash('sha256').update(`weft-session-id:${tokenHash}`).digest('base64url').slice(0, 22);
