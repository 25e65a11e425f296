import type { AuditStore } from '../audit/audit-store.ts';
import type { ChangeIndexStore } from '../changes/change-index-store.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { FavouritesStore } from '../accounts/favourites-store.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import type { OpenedDatabase } from '../db/open.ts';
import type { OpenedPostgres } from '../db/open-postgres.ts';
import type { LinkStore } from '../links/link-store.ts';
import type { ExecutionStore } from '../executions/execution-store.ts';
import type { VersionStore } from '../executions/version-store.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { ModeStore } from '../modes/mode-store.ts';
import type { TestListenerStore } from '../triggers/test-listener-store.ts';
import type { TriggerStore } from '../triggers/trigger-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { InboxStore } from '../discussion/inbox-store.ts';
import type { TemplateStore } from '../templates/template-store.ts';
import type { InsightsStore } from '../insights/insights-store.ts';
import type { DocStore } from './doc-store.ts';
import type { SettingsStore } from '../settings/settings-store.ts';

/** Who lost access, as the open sockets are filtered by it (sync-upgrade.ts `revalidate`). */
export interface AccessChange {
  userId?: string;
  workflowId?: string;
}

/**
 * Every store the server uses, on one database: the server depends on this
 * and on the ports, never on a dialect. `open-storage.ts` builds it from
 * the configuration.
 */
export interface Stores {
  readonly docs: DocStore;
  readonly accounts: AccountStore;
  readonly workflows: WorkflowStore;
  readonly favourites: FavouritesStore;
  readonly executions: ExecutionStore;
  readonly versions: VersionStore;
  readonly credentials: CredentialStore;
  readonly triggers: TriggerStore;
  readonly testListeners: TestListenerStore;
  readonly inbox: InboxStore;
  readonly history: HistoryStore;
  readonly modes: ModeStore;
  readonly links: LinkStore;
  readonly audit: AuditStore;
  readonly changes: ChangeIndexStore;
  readonly templates: TemplateStore;
  readonly settings: SettingsStore;
  /** Reads the insights rollups (the finish path writes them). */
  readonly insights: InsightsStore;
}

export type Storage = Stores & {
  /**
   * Calls `onChange` when access may have been taken away by a write this
   * process did not make: another instance, or an admin command beside the
   * server. A `{}` change means "anything may have changed" (check every socket).
   */
  watchAccess(onChange: (change: AccessChange) => void): { stop(): void };
  /** Releases what the storage holds (locks, connections); the stores are unusable after. */
  close(): Promise<void>;
} & (
    | { readonly dialect: 'sqlite'; readonly database: OpenedDatabase }
    | { readonly dialect: 'postgres'; readonly database: OpenedPostgres }
  );
