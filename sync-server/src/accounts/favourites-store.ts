/**
 * The storage port for the node types each person starred in the palette.
 * Every implementation passes test/contracts/favourites-store.contract.ts.
 */
export interface FavouritesStore {
  /** The user's favourites in their order; empty when none. */
  list(userId: string): Promise<string[]>;
  /** Replaces the list all-or-nothing; duplicates keep their first place. Resolves with what was stored. */
  replace(userId: string, types: readonly string[]): Promise<string[]>;
}
