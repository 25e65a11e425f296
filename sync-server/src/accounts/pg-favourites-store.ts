import { asc, eq } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { favouriteNodeTypes, users } from '../db/schema/pg.ts';
import type { FavouritesStore } from './favourites-store.ts';

/** The node types each person starred in the palette, in PostgreSQL; the same rules as SqliteFavouritesStore. */
export class PgFavouritesStore implements FavouritesStore {
  constructor(private readonly db: PgDb) {}

  async list(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ type: favouriteNodeTypes.nodeType })
      .from(favouriteNodeTypes)
      .where(eq(favouriteNodeTypes.userId, userId))
      .orderBy(asc(favouriteNodeTypes.position));
    return rows.map((r) => r.type);
  }

  /**
   * Two replaces of one person's list at once (two tabs, two instances) must
   * leave one of the lists, not both merged or a duplicate-key failure: the
   * account's row is locked first, so the second one's delete runs after the
   * first committed and sees its rows. NO KEY UPDATE does not block the
   * foreign-key checks of their other rows (sessions, tokens) meanwhile.
   */
  async replace(userId: string, types: readonly string[]): Promise<string[]> {
    const unique = [...new Set(types)];
    await this.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
      await tx.delete(favouriteNodeTypes).where(eq(favouriteNodeTypes.userId, userId));
      if (unique.length > 0) {
        await tx
          .insert(favouriteNodeTypes)
          .values(unique.map((nodeType, position) => ({ userId, nodeType, position })));
      }
    });
    return unique;
  }
}
