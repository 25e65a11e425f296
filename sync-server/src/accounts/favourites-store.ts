import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { favouriteNodeTypes } from '../db/schema.ts';

/** The node types each person starred in the palette, in their order. */
export class FavouritesStore {
  constructor(private readonly db: Db) {}

  list(userId: string): string[] {
    return this.db
      .select({ type: favouriteNodeTypes.nodeType })
      .from(favouriteNodeTypes)
      .where(eq(favouriteNodeTypes.userId, userId))
      .orderBy(asc(favouriteNodeTypes.position))
      .all()
      .map((r) => r.type);
  }

  /** Replaces the list in one transaction; duplicates keep their first place. */
  replace(userId: string, types: readonly string[]): string[] {
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
