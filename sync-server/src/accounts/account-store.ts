import { and, count, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { Db } from '../db/open.ts';
import { apiTokens, sessions, users } from '../db/schema.ts';
import { API_TOKEN_PREFIX, hashSecret, newSecret, SESSION_PREFIX } from './tokens.ts';

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
}

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** last_used_at is refreshed at most this often, so authenticated requests do not all write. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

const toUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.isAdmin,
  createdAt: row.createdAt,
});

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Users, sessions and API tokens in SQLite. */
export class AccountStore {
  // Every socket and every authenticated request resolves its user: prepared once.
  private readonly sessionLookup;
  private readonly tokenLookup;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.sessionLookup = db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, sql.placeholder('hash')),
          gt(sessions.expiresAt, sql.placeholder('now')),
          isNull(users.disabledAt),
        ),
      )
      .prepare();
    this.tokenLookup = db
      .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(users.disabledAt)))
      .prepare();
  }

  countUsers(): number {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  /** Creates a user; the first user of the instance becomes its admin (in one transaction). */
  createUser(input: { email: string; name: string; passwordHash: string }): User {
    const email = normalizeEmail(input.email);
    return this.db.transaction((tx) => {
      if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw new UserError(ErrorCodes.conflict, 'An account with this email already exists');
      }
      const first = (tx.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
      const row = {
        id: createId(),
        email,
        name: input.name.trim(),
        passwordHash: input.passwordHash,
        isAdmin: first,
        createdAt: this.now(),
        disabledAt: null,
      };
      tx.insert(users).values(row).run();
      return toUser(row);
    });
  }

  findByEmail(email: string): (User & { passwordHash: string }) | undefined {
    const row = this.db
      .select()
      .from(users)
      .where(eq(users.email, normalizeEmail(email)))
      .get();
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : undefined;
  }

  getUser(id: string): User | undefined {
    const row = this.db.select().from(users).where(eq(users.id, id)).get();
    return row ? toUser(row) : undefined;
  }

  /** Starts a session; returns the cookie value (only its hash is stored). */
  createSession(userId: string): { token: string; expiresAt: number } {
    const token = newSecret(SESSION_PREFIX);
    const createdAt = this.now();
    const expiresAt = createdAt + SESSION_TTL_MS;
    this.db
      .insert(sessions)
      .values({ tokenHash: hashSecret(token), userId, createdAt, expiresAt })
      .run();
    return { token, expiresAt };
  }

  userForSession(token: string): User | undefined {
    if (!token.startsWith(SESSION_PREFIX)) return undefined;
    const row = this.sessionLookup.get({ hash: hashSecret(token), now: this.now() });
    return row ? toUser(row.user) : undefined;
  }

  deleteSession(token: string): void {
    this.db
      .delete(sessions)
      .where(eq(sessions.tokenHash, hashSecret(token)))
      .run();
  }

  deleteExpiredSessions(): number {
    return this.db.delete(sessions).where(lt(sessions.expiresAt, this.now())).run().changes;
  }

  /** Creates a personal API token; the secret is returned once and never stored. */
  createApiToken(userId: string, name: string): ApiTokenInfo & { token: string } {
    const token = newSecret(API_TOKEN_PREFIX);
    const row = {
      id: createId(),
      userId,
      name: name.trim(),
      tokenHash: hashSecret(token),
      createdAt: this.now(),
      lastUsedAt: null,
    };
    this.db.insert(apiTokens).values(row).run();
    return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: null, token };
  }

  listApiTokens(userId: string): ApiTokenInfo[] {
    return this.db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        createdAt: apiTokens.createdAt,
        lastUsedAt: apiTokens.lastUsedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .orderBy(apiTokens.createdAt)
      .all();
  }

  deleteApiToken(userId: string, id: string): boolean {
    return (
      this.db
        .delete(apiTokens)
        .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
        .run().changes > 0
    );
  }

  userForApiToken(token: string): User | undefined {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const row = this.tokenLookup.get({ hash: hashSecret(token) });
    if (!row) return undefined;
    const now = this.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt > TOKEN_TOUCH_INTERVAL_MS) {
      this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
    }
    return toUser(row.user);
  }
}
