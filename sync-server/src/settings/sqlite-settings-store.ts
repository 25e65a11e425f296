import { like } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { instanceSettings } from '../db/schema.ts';
import { SETTINGS_PREFIX, type SettingsStore } from './settings-store.ts';

export class SqliteSettingsStore implements SettingsStore {
  constructor(private readonly db: Db) {}

  async readAll(): Promise<Record<string, string>> {
    const rows = this.db
      .select()
      .from(instanceSettings)
      .where(like(instanceSettings.key, `${SETTINGS_PREFIX}%`))
      .all();
    return Object.fromEntries(rows.map((r) => [r.key.slice(SETTINGS_PREFIX.length), r.value]));
  }

  async write(values: Record<string, string>): Promise<void> {
    this.db.transaction((tx) => {
      for (const [key, value] of Object.entries(values)) {
        tx.insert(instanceSettings)
          .values({ key: `${SETTINGS_PREFIX}${key}`, value })
          .onConflictDoUpdate({ target: instanceSettings.key, set: { value } })
          .run();
      }
    });
  }
}
