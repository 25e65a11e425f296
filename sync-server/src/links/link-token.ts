import { createHash, randomBytes } from 'node:crypto';

/** A share link's secret: 32 random bytes, base64url (43 characters). */
export const newLinkToken = (): string => randomBytes(32).toString('base64url');

/** What the store looks a token up by; 256 random bits need no slow hash. */
export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The form every token has: anything else is unknown without asking the database. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
