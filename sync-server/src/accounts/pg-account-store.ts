import { and, asc, count, desc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { AdminUserDto, SessionDto } from '#shared/api/access.ts';
import { createId } from '#shared/ids.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { byteOrder } from '../db/pg-byte-order.ts';
import { apiTokens, sessions, users } from '../db/schema/pg.ts';
import { normalizeEmail, SESSION_TTL_MS, type AccountStore, type ApiTokenInfo, type User } from './account-store.ts';
import { API_TOKEN_PREFIX, hashSecret, newSecret, SESSION_PREFIX, sessionIdOf } from './tokens.ts';

/** Longer user agents are cut: the header is the client's to fill, and it is only shown back. */
const MAX_USER_AGENT = 300;
/** last_used_at is refreshed at most this often, so authenticated requests do not all write. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;
/** Serialises changes of who is an admin, so the last one cannot be removed by two requests at once. */
const ADMINS_LOCK = 'weft:admins';
/** Serialises sign-ups, so that of two first accounts created at once exactly one is the admin. */
const SIGNUP_LOCK = 'weft:signup';

const toUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.isAdmin,
  createdAt: row.createdAt,
});

/** PostgreSQL's unique_violation. */
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/** Users, sessions and API tokens in PostgreSQL; the same rules as SqliteAccountStore, one contract. */
export class PgAccountStore implements AccountStore {
  constructor(
    private readonly db: PgDb,
    private readonly now: () => number = Date.now,
  ) {}

  async countUsers(): Promise<number> {
    return (await this.db.select({ n: count() }).from(users))[0]?.n ?? 0;
  }

  async createUser(input: { email: string; name: string; passwordHash: string }): Promise<User> {
    const email = normalizeEmail(input.email);
    try {
      return await this.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${SIGNUP_LOCK}))`);
        const taken = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
        if (taken.length > 0) throw new UserError(ErrorCodes.conflict, 'An account with this email already exists');
        const first = ((await tx.select({ n: count() }).from(users))[0]?.n ?? 0) === 0;
        const row = {
          id: createId(),
          email,
          name: input.name.trim(),
          passwordHash: input.passwordHash,
          isAdmin: first,
          createdAt: this.now(),
          disabledAt: null,
        };
        await tx.insert(users).values(row);
        return toUser(row);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new UserError(ErrorCodes.conflict, 'An account with this email already exists');
      throw error;
    }
  }

  async findByEmail(email: string): Promise<(User & { passwordHash: string; disabled: boolean }) | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(users.email, normalizeEmail(email)));
    return row ? { ...toUser(row), passwordHash: row.passwordHash, disabled: row.disabledAt !== null } : undefined;
  }

  async getUser(id: string): Promise<User | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row ? toUser(row) : undefined;
  }

  async getActiveUser(id: string): Promise<User | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.id, id), isNull(users.disabledAt)));
    return row ? toUser(row) : undefined;
  }

  async passwordHashOf(id: string): Promise<string | undefined> {
    return (await this.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)))[0]?.hash;
  }

  async listUsers(): Promise<AdminUserDto[]> {
    const rows = await this.db.select().from(users).orderBy(asc(users.createdAt), byteOrder(users.email));
    return rows.map((row) => ({ ...toUser(row), disabled: row.disabledAt !== null }));
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await tx
        .update(users)
        .set({ disabledAt: disabled ? this.now() : null })
        .where(eq(users.id, id))
        .returning({ id: users.id });
      if (changed.length > 0 && disabled) await tx.delete(sessions).where(eq(sessions.userId, id));
      return changed.length > 0;
    });
  }

  async setAdmin(id: string, isAdmin: boolean): Promise<'ok' | 'notFound' | 'lastAdmin'> {
    return this.db.transaction(async (tx) => {
      // Two admins removing each other at once: one at a time, so one of them stays.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${ADMINS_LOCK}))`);
      const [row] = await tx.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, id));
      if (!row) return 'notFound' as const;
      if (!isAdmin && row.isAdmin) {
        const [others] = await tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.isAdmin, true), isNull(users.disabledAt), ne(users.id, id)));
        if ((others?.n ?? 0) === 0) return 'lastAdmin' as const;
      }
      await tx.update(users).set({ isAdmin }).where(eq(users.id, id));
      return 'ok' as const;
    });
  }

  async setName(id: string, name: string): Promise<boolean> {
    return (await this.db.update(users).set({ name }).where(eq(users.id, id)).returning({ id: users.id })).length > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await tx.update(users).set({ passwordHash }).where(eq(users.id, id)).returning({ id: users.id });
      if (changed.length > 0) await tx.delete(sessions).where(eq(sessions.userId, id));
      return changed.length > 0;
    });
  }

  async deleteUser(id: string): Promise<boolean> {
    return (await this.db.delete(users).where(eq(users.id, id)).returning({ id: users.id })).length > 0;
  }

  async createSession(userId: string, userAgent?: string): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret(SESSION_PREFIX);
    const createdAt = this.now();
    const expiresAt = createdAt + SESSION_TTL_MS;
    await this.db.insert(sessions).values({
      tokenHash: hashSecret(token),
      userId,
      createdAt,
      expiresAt,
      userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null,
    });
    return { token, expiresAt };
  }

  async listSessions(userId: string, currentToken?: string): Promise<SessionDto[]> {
    const current = currentToken ? hashSecret(currentToken) : undefined;
    const rows = await this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, this.now())))
      .orderBy(desc(sessions.createdAt));
    return rows.map((row) => ({
      id: sessionIdOf(row.tokenHash),
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      userAgent: row.userAgent,
      current: row.tokenHash === current,
    }));
  }

  async deleteSessionById(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .select({ tokenHash: sessions.tokenHash })
      .from(sessions)
      .where(eq(sessions.userId, userId));
    const match = rows.find((r) => sessionIdOf(r.tokenHash) === id);
    if (!match) return false;
    const gone = await this.db
      .delete(sessions)
      .where(eq(sessions.tokenHash, match.tokenHash))
      .returning({ userId: sessions.userId });
    return gone.length > 0;
  }

  async deleteOtherSessions(userId: string, keepToken?: string): Promise<number> {
    const mine = eq(sessions.userId, userId);
    const where = keepToken ? and(mine, ne(sessions.tokenHash, hashSecret(keepToken))) : mine;
    return (await this.db.delete(sessions).where(where).returning({ userId: sessions.userId })).length;
  }

  async userForSession(token: string): Promise<User | undefined> {
    if (!token.startsWith(SESSION_PREFIX)) return undefined;
    const [row] = await this.db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(eq(sessions.tokenHash, hashSecret(token)), gt(sessions.expiresAt, this.now()), isNull(users.disabledAt)),
      );
    return row ? toUser(row.user) : undefined;
  }

  async deleteSession(token: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, hashSecret(token)));
  }

  async deleteExpiredSessions(): Promise<string[]> {
    const gone = await this.db
      .delete(sessions)
      .where(lt(sessions.expiresAt, this.now()))
      .returning({ userId: sessions.userId });
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
    await this.db.insert(apiTokens).values(row);
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
      .orderBy(apiTokens.createdAt);
  }

  async deleteApiToken(userId: string, id: string): Promise<boolean> {
    const gone = await this.db
      .delete(apiTokens)
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
      .returning({ id: apiTokens.id });
    return gone.length > 0;
  }

  async userForApiToken(token: string): Promise<User | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const [row] = await this.db
      .select({
        user: users,
        tokenId: apiTokens.id,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(users.disabledAt)));
    if (!row) return undefined;
    const now = this.now();
    if (row.expiresAt !== null && row.expiresAt <= now) return undefined;
    if (row.lastUsedAt === null || now - row.lastUsedAt > TOKEN_TOUCH_INTERVAL_MS) {
      await this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
    }
    return toUser(row.user);
  }

  async apiTokenId(token: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashSecret(token)));
    return row?.id;
  }

  async apiTokenExpiry(token: string): Promise<number | null | undefined> {
    const [row] = await this.db
      .select({ expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashSecret(token)));
    return row?.expiresAt;
  }
}
