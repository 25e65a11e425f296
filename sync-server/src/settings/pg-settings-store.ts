import { like, sql } from 'drizzle-orm';
import { SETTINGS_CHANNEL } from '../db/pg-session.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { instanceSettings } from '../db/schema/pg.ts';
import { SETTINGS_PREFIX, type SettingsStore } from './settings-store.ts';

export class PgSettingsStore implements SettingsStore {
  constructor(
    private readonly db: PgDb,
    readonly watch?: (fn: () => void) => () => void,
  ) {}

  async readAll(): Promise<Record<string, string>> {
    const rows = await this.db
      .select()
      .from(instanceSettings)
      .where(like(instanceSettings.key, `${SETTINGS_PREFIX}%`));
    return Object.fromEntries(rows.map((r) => [r.key.slice(SETTINGS_PREFIX.length), r.value]));
  }

  async write(values: Record<string, string>): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const [key, value] of Object.entries(values)) {
        await tx
          .insert(instanceSettings)
          .values({ key: `${SETTINGS_PREFIX}${key}`, value })
          .onConflictDoUpdate({ target: instanceSettings.key, set: { value } });
      }
      // Delivered at commit to every instance's session (db/pg-session.ts), which reads the settings again.
      await tx.execute(sql`select pg_notify(${SETTINGS_CHANNEL}, '')`);
    });
  }
}
