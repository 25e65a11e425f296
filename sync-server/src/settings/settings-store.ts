/**
 * The instance settings' rows in `instance_settings` (key → JSON text), under
 * a prefix of their own so they never meet the other rows of the table (the
 * credential key check). Every implementation passes
 * sync-server/test/contracts/settings-store.contract.ts.
 */
export interface SettingsStore {
  /** Every stored setting, by key (without the prefix); a key never written is absent. */
  readAll(): Promise<Record<string, string>>;
  /** Writes the given keys in one transaction (and tells the other instances, where there can be any). */
  write(values: Record<string, string>): Promise<void>;
  /**
   * Calls `fn` when another process changed settings (PostgreSQL's NOTIFY, and
   * after a reconnect, when a change may have gone unheard). Undefined where
   * one process owns the database (SQLite).
   */
  readonly watch?: (fn: () => void) => () => void;
}

export const SETTINGS_PREFIX = 'setting:';
