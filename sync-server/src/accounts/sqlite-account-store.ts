import { and, asc, count, desc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { AdminUserDto, SessionDto } from '#shared/api/access.ts';
import { createId } from '#shared/ids.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { Db } from '../db/open.ts';
import { apiTokens, sessions, users } from '../db/schema.ts';
import { normalizeEmail, SESSION_TTL_MS, type AccountStore, type ApiTokenInfo, type User } from './account-store.ts';
import { API_TOKEN_PREFIX, hashSecret, newSecret, SESSION_PREFIX, sessionIdOf } from './tokens.ts';

/** Longer user agents are cut: the header is the client's to fill, and it is only shown back. */
const MAX_USER_AGENT = 300;
/** last_used_at is refreshed at most this often, so authenticated requests do not all write. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

const toUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.isAdmin,
  createdAt: row.createdAt,
});

/** Users, sessions and API tokens in SQLite (the bodies are synchronous better-sqlite3 calls). */
export class SqliteAccountStore implements AccountStore {
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
      .select({
        user: users,
        tokenId: apiTokens.id,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(users.disabledAt)))
      .prepare();
  }

  async countUsers(): Promise<number> {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  async createUser(input: { email: string; name: string; passwordHash: string }): Promise<User> {
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

  async findByEmail(email: string): Promise<(User & { passwordHash: string; disabled: boolean }) | undefined> {
    const row = this.db
      .select()
      .from(users)
      .where(eq(users.email, normalizeEmail(email)))
      .get();
    return row ? { ...toUser(row), passwordHash: row.passwordHash, disabled: row.disabledAt !== null } : undefined;
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = this.db.select().from(users).where(eq(users.id, id)).get();
    return row ? toUser(row) : undefined;
  }

  async getActiveUser(id: string): Promise<User | undefined> {
    const row = this.db
      .select()
      .from(users)
      .where(and(eq(users.id, id), isNull(users.disabledAt)))
      .get();
    return row ? toUser(row) : undefined;
  }

  async passwordHashOf(id: string): Promise<string | undefined> {
    return this.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)).get()?.hash;
  }

  async listUsers(): Promise<AdminUserDto[]> {
    return this.db
      .select()
      .from(users)
      .orderBy(asc(users.createdAt), asc(users.email))
      .all()
      .map((row) => ({ ...toUser(row), disabled: row.disabledAt !== null }));
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return this.db.transaction((tx) => {
      const changed =
        tx
          .update(users)
          .set({ disabledAt: disabled ? this.now() : null })
          .where(eq(users.id, id))
          .run().changes > 0;
      if (changed && disabled) tx.delete(sessions).where(eq(sessions.userId, id)).run();
      return changed;
    });
  }

  async setAdmin(id: string, isAdmin: boolean): Promise<'ok' | 'notFound' | 'lastAdmin'> {
    return this.db.transaction((tx) => {
      const row = tx.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, id)).get();
      if (!row) return 'notFound' as const;
      if (!isAdmin && row.isAdmin) {
        const others =
          tx
            .select({ n: count() })
            .from(users)
            .where(and(eq(users.isAdmin, true), isNull(users.disabledAt), ne(users.id, id)))
            .get()?.n ?? 0;
        if (others === 0) return 'lastAdmin' as const;
      }
      tx.update(users).set({ isAdmin }).where(eq(users.id, id)).run();
      return 'ok' as const;
    });
  }

  async setName(id: string, name: string): Promise<boolean> {
    return this.db.update(users).set({ name }).where(eq(users.id, id)).run().changes > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.db.transaction((tx) => {
      const changed = tx.update(users).set({ passwordHash }).where(eq(users.id, id)).run().changes > 0;
      if (changed) tx.delete(sessions).where(eq(sessions.userId, id)).run();
      return changed;
    });
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.db.delete(users).where(eq(users.id, id)).run().changes > 0;
  }

  async createSession(userId: string, userAgent?: string): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret(SESSION_PREFIX);
    const createdAt = this.now();
    const expiresAt = createdAt + SESSION_TTL_MS;
    this.db
      .insert(sessions)
      .values({
        tokenHash: hashSecret(token),
        userId,
        createdAt,
        expiresAt,
        userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null,
      })
      .run();
    return { token, expiresAt };
  }

  async listSessions(userId: string, currentToken?: string): Promise<SessionDto[]> {
    const current = currentToken ? hashSecret(currentToken) : undefined;
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, this.now())))
      .orderBy(desc(sessions.createdAt))
      .all()
      .map((row) => ({
        id: sessionIdOf(row.tokenHash),
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        userAgent: row.userAgent,
        current: row.tokenHash === current,
      }));
  }

  async deleteSessionById(userId: string, id: string): Promise<boolean> {
    const rows = this.db
      .select({ tokenHash: sessions.tokenHash })
      .from(sessions)
      .where(eq(sessions.userId, userId))
      .all();
    const match = rows.find((r) => sessionIdOf(r.tokenHash) === id);
    if (!match) return false;
    return this.db.delete(sessions).where(eq(sessions.tokenHash, match.tokenHash)).run().changes > 0;
  }

  async deleteOtherSessions(userId: string, keepToken?: string): Promise<number> {
    const mine = eq(sessions.userId, userId);
    const where = keepToken ? and(mine, ne(sessions.tokenHash, hashSecret(keepToken))) : mine;
    return this.db.delete(sessions).where(where).run().changes;
  }

  async userForSession(token: string): Promise<User | undefined> {
    if (!token.startsWith(SESSION_PREFIX)) return undefined;
    const row = this.sessionLookup.get({ hash: hashSecret(token), now: this.now() });
    return row ? toUser(row.user) : undefined;
  }

  async deleteSession(token: string): Promise<void> {
    this.db
      .delete(sessions)
      .where(eq(sessions.tokenHash, hashSecret(token)))
      .run();
  }

  async deleteExpiredSessions(): Promise<string[]> {
    const gone = this.db
      .delete(sessions)
      .where(lt(sessions.expiresAt, this.now()))
      .returning({ userId: sessions.userId })
      .all();
    return [...new Set(gone.map((r) => r.userId))];
  }

  async createApiToken(
    userId: string,
    name: string,
    expiresAt: number | null = null,
  ): Promise<ApiTokenInfo & { token: string }> {
    const token = newSecret(API_TOKEN_PREFIX);
    const row = {
      id: createId(),
      userId,
      name: name.trim(),
      tokenHash: hashSecret(token),
      createdAt: this.now(),
      lastUsedAt: null,
      expiresAt,
    };
    this.db.insert(apiTokens).values(row).run();
    return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: null, expiresAt, token };
  }

  async listApiTokens(userId: string): Promise<ApiTokenInfo[]> {
    return this.db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        createdAt: apiTokens.createdAt,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .orderBy(apiTokens.createdAt)
      .all();
  }

  async deleteApiToken(userId: string, id: string): Promise<boolean> {
    return (
      this.db
        .delete(apiTokens)
        .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
        .run().changes > 0
    );
  }

  async userForApiToken(token: string): Promise<User | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const row = this.tokenLookup.get({ hash: hashSecret(token) });
    if (!row) return undefined;
    const now = this.now();
    if (row.expiresAt !== null && row.expiresAt <= now) return undefined;
    if (row.lastUsedAt === null || now - row.lastUsedAt > TOKEN_TOUCH_INTERVAL_MS) {
      this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
    }
    return toUser(row.user);
  }

  async apiTokenId(token: string): Promise<string | undefined> {
    return this.db
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashSecret(token)))
      .get()?.id;
  }

  async apiTokenExpiry(token: string): Promise<number | null | undefined> {
    return this.db
      .select({ expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashSecret(token)))
      .get()?.expiresAt;
  }
}
