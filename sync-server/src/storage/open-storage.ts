import type { Logger } from '#shared/log.ts';
import { PgAuditStore } from '../audit/pg-audit-store.ts';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.ts';
import { PgAccountStore } from '../accounts/pg-account-store.ts';
import { PgFavouritesStore } from '../accounts/pg-favourites-store.ts';
import { PgTemplateStore } from '../templates/pg-template-store.ts';
import { SqliteTemplateStore } from '../templates/sqlite-template-store.ts';
import { PgSettingsStore } from '../settings/pg-settings-store.ts';
import { SqliteSettingsStore } from '../settings/sqlite-settings-store.ts';
import { PgInboxStore } from '../discussion/pg-inbox-store.ts';
import { SqliteInboxStore } from '../discussion/sqlite-inbox-store.ts';
import { SqliteAccountStore } from '../accounts/sqlite-account-store.ts';
import { SqliteFavouritesStore } from '../accounts/sqlite-favourites-store.ts';
import { watchOutsideWrites } from '../admin/outside-writes.ts';
import { PgCredentialStore } from '../credentials/pg-credential-store.ts';
import { SqliteCredentialStore } from '../credentials/sqlite-credential-store.ts';
import { openDatabase } from '../db/open.ts';
import { openPostgres } from '../db/open-postgres.ts';
import { PgSession } from '../db/pg-session.ts';
import { PgExecutionStore } from '../executions/pg-execution-store.ts';
import { PgVersionStore } from '../executions/pg-version-store.ts';
import { SqliteExecutionStore } from '../executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../executions/sqlite-version-store.ts';
import { PgChangeIndexStore } from '../changes/pg-change-index-store.ts';
import { SqliteChangeIndexStore } from '../changes/sqlite-change-index-store.ts';
import { PgHistoryStore } from '../history/pg-history-store.ts';
import { SqliteHistoryStore } from '../history/sqlite-history-store.ts';
import { PgModeStore } from '../modes/pg-mode-store.ts';
import { SqliteModeStore } from '../modes/sqlite-mode-store.ts';
import { PgLinkStore } from '../links/pg-link-store.ts';
import { SqliteLinkStore } from '../links/sqlite-link-store.ts';
import { PgWorkflowStore } from '../workflows/pg-workflow-store.ts';
import { SqliteWorkflowStore } from '../workflows/sqlite-workflow-store.ts';
import { PgTestListenerStore } from '../triggers/pg-test-listener-store.ts';
import { PgTriggerStore } from '../triggers/pg-trigger-store.ts';
import { SqliteTestListenerStore } from '../triggers/sqlite-test-listener-store.ts';
import { SqliteTriggerStore } from '../triggers/sqlite-trigger-store.ts';
import { PgDocStore } from './pg-doc-store.ts';
import { SqliteDocStore } from './sqlite-doc-store.ts';
import type { Storage } from './storage.ts';
import { InsightsStore } from '../insights/insights-store.ts';

export interface StorageConfig {
  /** The SQLite file, used when `databaseUrl` is unset. */
  dbFile: string;
  dbSynchronous: 'NORMAL' | 'FULL';
  /** postgres://…: every store on PostgreSQL instead. */
  databaseUrl?: string | undefined;
  /** Part of a cluster (REDIS_URL set): other instances may share the PostgreSQL database. */
  clustered: boolean;
  encryptionKey: Buffer;
}

/**
 * Opens the configured database, migrated, with every store on it. The only
 * place that knows both dialects: nothing else constructs an adapter.
 */
export const openStorage = async (config: StorageConfig, logger: Logger): Promise<Storage> => {
  const storage = await openStores(config, logger);
  try {
    // A lone SQLite server without credentials may take a new key; instances sharing a database may not.
    await storage.credentials.checkKey(storage.dialect === 'postgres' ? 'refuse' : 'record');
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
};

const openStores = async (config: StorageConfig, logger: Logger): Promise<Storage> => {
  if (config.databaseUrl === undefined) {
    const database = openDatabase({ file: config.dbFile, synchronous: config.dbSynchronous });
    const { db } = database;
    return {
      dialect: 'sqlite',
      database,
      docs: new SqliteDocStore(db),
      accounts: new SqliteAccountStore(db),
      workflows: new SqliteWorkflowStore(db),
      favourites: new SqliteFavouritesStore(db),
      executions: new SqliteExecutionStore(db),
      versions: new SqliteVersionStore(db),
      credentials: new SqliteCredentialStore(db, config.encryptionKey),
      triggers: new SqliteTriggerStore(db),
      testListeners: new SqliteTestListenerStore(db),
      inbox: new SqliteInboxStore(db),
      history: new SqliteHistoryStore(db),
      modes: new SqliteModeStore(db),
      links: new SqliteLinkStore(db, config.encryptionKey),
      audit: new SqliteAuditStore(db),
      changes: new SqliteChangeIndexStore(db),
      templates: new SqliteTemplateStore(db),
      settings: new SqliteSettingsStore(db),
      insights: InsightsStore.sqlite(db),
      // One server per SQLite file: writes it did not make come from an admin command beside it.
      watchAccess: (onChange) => watchOutsideWrites(database.sqlite, () => onChange({}), logger),
      close: () => database.close(),
    };
  }
  const database = await openPostgres({ url: config.databaseUrl, logger });
  let session: PgSession;
  try {
    session = await PgSession.open({ url: config.databaseUrl, logger, clustered: config.clustered });
  } catch (error) {
    await database.close();
    throw error;
  }
  const { db } = database;
  return {
    dialect: 'postgres',
    database,
    docs: new PgDocStore(db),
    accounts: new PgAccountStore(db),
    workflows: new PgWorkflowStore(db),
    favourites: new PgFavouritesStore(db),
    executions: new PgExecutionStore(db),
    versions: new PgVersionStore(db),
    credentials: new PgCredentialStore(db, config.encryptionKey),
    triggers: new PgTriggerStore(db, (fn) => session.onTriggerChange(fn)),
    testListeners: new PgTestListenerStore(db),
    inbox: new PgInboxStore(db),
    history: new PgHistoryStore(db),
    modes: new PgModeStore(db, (fn) => session.onModeChange(fn)),
    links: new PgLinkStore(db, config.encryptionKey),
    audit: new PgAuditStore(db),
    changes: new PgChangeIndexStore(db),
    templates: new PgTemplateStore(db),
    settings: new PgSettingsStore(db, (fn) => session.onSettingsChange(fn)),
    insights: InsightsStore.pg(db),
    watchAccess: (onChange) => ({ stop: session.onAccessChange(onChange) }),
    close: async () => {
      await session.close();
      await database.close();
    },
  };
};
