import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { favouriteNodeTypes } from '../db/schema.ts';
import type { FavouritesStore } from './favourites-store.ts';

/** The node types each person starred in the palette, in SQLite. */
export class SqliteFavouritesStore implements FavouritesStore {
  constructor(private readonly db: Db) {}

  async list(userId: string): Promise<string[]> {
    return this.db
      .select({ type: favouriteNodeTypes.nodeType })
      .from(favouriteNodeTypes)
      .where(eq(favouriteNodeTypes.userId, userId))
      .orderBy(asc(favouriteNodeTypes.position))
      .all()
      .map((r) => r.type);
  }

  async replace(userId: string, types: readonly string[]): Promise<string[]> {
    const unique = [...new Set(types)];
    this.db.transaction((tx) => {
      tx.delete(favouriteNodeTypes).where(eq(favouriteNodeTypes.userId, userId)).run();
      if (unique.length > 0) {
        tx.insert(favouriteNodeTypes)
          .values(unique.map((nodeType, position) => ({ userId, nodeType, position })))
          .run();
      }
    });
    return unique;
  }
}
