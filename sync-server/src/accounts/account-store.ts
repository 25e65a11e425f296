import type { AdminUserDto, SessionDto } from '#shared/api/access.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** After this (epoch ms) the token no longer authenticates; null: until it is revoked. */
  expiresAt: number | null;
}

/** A session ends this long after its login, however much it is used (docs/SECURITY.md). */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Users, sessions and API tokens: the storage port. Every implementation
 * passes sync-server/test/contracts/account-store.contract.ts.
 */
export interface AccountStore {
  countUsers(): Promise<number>;
  /** Creates a user; the first user of the instance becomes its admin (in one transaction). */
  createUser(input: { email: string; name: string; passwordHash: string }): Promise<User>;
  /** Any account with this address, disabled or not (login tells a disabled account so, after its password). */
  findByEmail(email: string): Promise<(User & { passwordHash: string; disabled: boolean }) | undefined>;
  getUser(id: string): Promise<User | undefined>;
  /** The account if it exists and is not disabled: what acts on its own behalf (a test-webhook listener) must be. */
  getActiveUser(id: string): Promise<User | undefined>;
  passwordHashOf(id: string): Promise<string | undefined>;
  /** Every account, oldest first, for the instance admin. */
  listUsers(): Promise<AdminUserDto[]>;
  /**
   * Disables or enables an account; false when there is no such account.
   * Disabling also ends its sessions, so enabling it again takes a new login;
   * its API tokens only stop working while it is disabled (scripts resume).
   */
  setDisabled(id: string, disabled: boolean): Promise<boolean>;
  /**
   * Sets a new password (`weft user reset-password`); false when there is no
   * such account. Its sessions end, so whoever knew the old password is
   * signed out; its API tokens keep working (scripts are revoked one by one).
   */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /**
   * Makes an account an instance admin or not; `lastAdmin` when that would
   * leave the instance without an enabled admin (checked and written in one step).
   */
  setAdmin(id: string, isAdmin: boolean): Promise<'ok' | 'notFound' | 'lastAdmin'>;
  /** Renames an account; false when there is no such account. */
  setName(id: string, name: string): Promise<boolean>;
  /** Deletes an account; its sessions, tokens, memberships, favourites and credentials (with their grants) go with it. */
  deleteUser(id: string): Promise<boolean>;
  /** Starts a session; returns the cookie value (only its hash is stored). */
  createSession(userId: string, userAgent?: string): Promise<{ token: string; expiresAt: number }>;
  /** The user's live sessions, newest first; `current` marks the one whose cookie is given. */
  listSessions(userId: string, currentToken?: string): Promise<SessionDto[]>;
  /** Ends one of the user's sessions by its public id; false when the user has none by that id. */
  deleteSessionById(userId: string, id: string): Promise<boolean>;
  /** Ends every session of the user but the one whose cookie is given (all of them without one). */
  deleteOtherSessions(userId: string, keepToken?: string): Promise<number>;
  userForSession(token: string): Promise<User | undefined>;
  deleteSession(token: string): Promise<void>;
  /** Deletes expired sessions; answers whose they were, so their open sockets can be checked again. */
  deleteExpiredSessions(): Promise<string[]>;
  /** Creates a personal API token; the secret is returned once and never stored. */
  createApiToken(userId: string, name: string, expiresAt?: number | null): Promise<ApiTokenInfo & { token: string }>;
  listApiTokens(userId: string): Promise<ApiTokenInfo[]>;
  deleteApiToken(userId: string, id: string): Promise<boolean>;
  userForApiToken(token: string): Promise<User | undefined>;
  /** The id the tokens page shows for a token (the audit trail names it), or undefined. */
  apiTokenId(token: string): Promise<string | undefined>;
  /** When a token stops authenticating (null: never), or undefined for no such token; sockets close then. */
  apiTokenExpiry(token: string): Promise<number | null | undefined>;
}
