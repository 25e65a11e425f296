import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '#shared/log.ts';
import type { AccessChange } from '../storage/storage.ts';

/**
 * Held by every instance on PostgreSQL for its lifetime: exclusively by one
 * that runs alone (no REDIS_URL), shared by instances of a cluster. So a
 * second lone instance, or a lone one beside a cluster, is refused at start:
 * without the Redis bus they would share a database but not rooms, and an
 * edit on one would never reach the other's editors.
 */
export const INSTANCE_LOCK_KEY = 0x77656674_736f6c6fn; // "weft" "solo"

/** The channel migrations/pg/0002_access_notify.sql notifies on. */
export const ACCESS_CHANNEL = 'weft_access';

/** The channel the trigger store notifies on when webhook routes change (triggers/pg-trigger-store.ts). */
export const TRIGGERS_CHANNEL = 'weft_triggers';

/** The channel the mode store notifies on, with the workflow id, when an edit mode changes (modes/pg-mode-store.ts). */
export const MODES_CHANNEL = 'weft_modes';

/** The channel the settings store notifies on when an admin changes an instance setting (settings/pg-settings-store.ts). */
export const SETTINGS_CHANNEL = 'weft_settings';

export class InstanceConflictError extends Error {}

const accessChangeSchema = z.object({ userId: z.string().optional(), workflowId: z.string().optional() });

/** More distinct changes than this in one burst (a sweep deleting many sessions) become one "check everything". */
const BURST_LIMIT = 64;
const BURST_WINDOW_MS = 20;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export interface PgSessionOptions {
  url: string;
  logger: Logger;
  /** Part of a cluster (REDIS_URL set): the instance lock is taken shared. */
  clustered: boolean;
}

/**
 * One dedicated connection (a pool would hand the lock and the LISTEN to a
 * client it may close): it holds the instance lock and listens for access
 * changes. When it drops it comes back by itself, takes the lock again and
 * reports `{}`, since changes made meanwhile were not heard.
 */
export class PgSession {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<(change: AccessChange) => void>();
  private readonly triggerListeners = new Set<() => void>();
  private readonly modeListeners = new Set<(workflowId: string | undefined) => void>();
  private readonly settingsListeners = new Set<() => void>();
  private burst: AccessChange[] = [];
  private burstTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RECONNECT_MIN_MS;
  private closed = false;

  private constructor(private readonly options: PgSessionOptions) {}

  /** Rejects with InstanceConflictError when the lock is held the other way. */
  static async open(options: PgSessionOptions): Promise<PgSession> {
    const session = new PgSession(options);
    await session.connect();
    return session;
  }

  onAccessChange(fn: (change: AccessChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Another process changed webhook routes; also called after a reconnect, when changes may have gone unheard. */
  onTriggerChange(fn: () => void): () => void {
    this.triggerListeners.add(fn);
    return () => this.triggerListeners.delete(fn);
  }

  /**
   * Another process changed a workflow's edit mode. `undefined` after a
   * reconnect: any mode may have changed unheard.
   */
  onModeChange(fn: (workflowId: string | undefined) => void): () => void {
    this.modeListeners.add(fn);
    return () => this.modeListeners.delete(fn);
  }

  /** Another process changed instance settings; also called after a reconnect, when changes may have gone unheard. */
  onSettingsChange(fn: () => void): () => void {
    this.settingsListeners.add(fn);
    return () => this.settingsListeners.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.burstTimer);
    const client = this.client;
    this.client = undefined;
    // Ending the session releases the lock.
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    // A dropped connection emits 'error' and then 'end'; both lead to one reconnect.
    client.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'the postgres session connection failed');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === ACCESS_CHANNEL) this.heard(message.payload);
      else if (message.channel === TRIGGERS_CHANNEL) this.triggersChanged();
      else if (message.channel === MODES_CHANNEL) this.modeChanged(message.payload);
      else if (message.channel === SETTINGS_CHANNEL) this.settingsChanged();
    });
    try {
      await client.connect();
      const take = this.options.clustered ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
      const taken = await client.query<{ ok: boolean }>(`select ${take}($1) as ok`, [INSTANCE_LOCK_KEY.toString()]);
      if (taken.rows[0]?.ok !== true)
        throw new InstanceConflictError(
          this.options.clustered
            ? 'a Weft without REDIS_URL uses this database alone; set REDIS_URL on every instance to run several'
            : 'another Weft uses this database; set REDIS_URL on every instance to run several',
        );
      await client.query(`listen ${ACCESS_CHANNEL}`);
      await client.query(`listen ${TRIGGERS_CHANNEL}`);
      await client.query(`listen ${MODES_CHANNEL}`);
      await client.query(`listen ${SETTINGS_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RECONNECT_MIN_MS;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        () => {
          this.options.logger.info({}, 'the postgres session is back; every socket is checked again');
          this.emit({});
          this.triggersChanged();
          this.modeChanged(undefined);
          this.settingsChanged();
        },
        (error: unknown) => {
          // Another lone instance may have started meanwhile: say so loudly, keep trying.
          const log = error instanceof InstanceConflictError ? 'error' : 'warn';
          this.options.logger[log]({ err: error }, 'reconnecting the postgres session failed');
          this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private heard(payload: string | undefined): void {
    let change: AccessChange = {};
    try {
      const parsed = accessChangeSchema.safeParse(JSON.parse(payload ?? '{}'));
      if (parsed.success) change = parsed.data;
    } catch {
      // An unreadable payload still means "something changed": check everything.
    }
    this.burst.push(change);
    this.burstTimer ??= setTimeout(() => {
      this.burstTimer = undefined;
      const changes = this.burst;
      this.burst = [];
      const distinct = new Map(changes.map((c) => [`${c.userId ?? '*'}\u0000${c.workflowId ?? '*'}`, c]));
      if (distinct.size > BURST_LIMIT || distinct.has('*\u0000*')) this.emit({});
      else for (const c of distinct.values()) this.emit(c);
    }, BURST_WINDOW_MS);
  }

  private triggersChanged(): void {
    for (const fn of [...this.triggerListeners]) {
      try {
        fn();
      } catch (error) {
        this.options.logger.error({ err: error }, 'a trigger-change listener failed');
      }
    }
  }

  private settingsChanged(): void {
    for (const fn of [...this.settingsListeners]) {
      try {
        fn();
      } catch (error) {
        this.options.logger.error({ err: error }, 'a settings-change listener failed');
      }
    }
  }

  private modeChanged(workflowId: string | undefined): void {
    for (const fn of [...this.modeListeners]) {
      try {
        fn(workflowId === '' ? undefined : workflowId);
      } catch (error) {
        this.options.logger.error({ err: error }, 'a mode-change listener failed');
      }
    }
  }

  private emit(change: AccessChange): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(change);
      } catch (error) {
        this.options.logger.error({ err: error }, 'an access-change listener failed');
      }
    }
  }
}
