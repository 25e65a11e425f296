import { createHash, randomBytes } from 'node:crypto';

/** Session cookie values and API tokens: 256 random bits, stored only as sha256. */
export const newSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const SESSION_PREFIX = 'ws_';
export const API_TOKEN_PREFIX = 'weft_';
