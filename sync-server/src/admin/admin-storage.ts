import type { AccountStore } from '../accounts/account-store.ts';

/**
 * What the admin commands need of the database, whichever it is: SQLite in
 * DATA_DIR (sqlite-admin-storage.ts) or the PostgreSQL of DATABASE_URL
 * (pg-admin-storage.ts). Each command has one code path over this; the CLI
 * picks the adapter the way the server picks its database.
 */
export interface AdminStorage {
  /** The database as messages and results name it: DATA_DIR/weft.db, or the PostgreSQL URL without its password. */
  readonly name: string;
  /** Whether Weft's schema is there at all (else `migrate` creates it). */
  exists(): Promise<boolean>;
  /** Applies the migrations this Weft has that the database lacks, as the server does at start. */
  migrate(): Promise<MigrateResult>;
  /**
   * Runs `work` on the account store of a database at this Weft's schema; one
   * behind (run `weft migrate`) or migrated by a newer Weft is refused, so an
   * admin command never runs on a schema it does not know.
   */
  withAccounts<T>(work: (accounts: AccountStore) => Promise<T>): Promise<T>;
}

export interface MigrateResult {
  /** The database: DATA_DIR/weft.db, or the PostgreSQL URL without its password. */
  file: string;
  /** What this run applied, oldest first. */
  applied: string[];
  /** There was no Weft schema before. */
  created: boolean;
}
