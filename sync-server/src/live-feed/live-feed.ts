import { z } from 'zod';
import {
  LiveFeedEvents,
  MAX_LIVE_EXECUTIONS,
  type LiveExecution,
  type LivePresence,
  type PresentUser,
} from '#shared/protocol/live-feed.ts';
import { silentLogger, type Logger } from '#shared/log.ts';
import type { AccountStore, User } from '../accounts/account-store.ts';
import type { RoomBus, RoomMessage } from '../cluster/room-bus.ts';
import type { ExecutionRow, ExecutionStore } from '../executions/execution-store.ts';
import { authenticate, type Credentials } from '../http/auth.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { ExecutionChanges } from './observed-executions.ts';
import { PresenceIndex } from './presence-index.ts';

/** One open feed (an SSE stream, live-feed-route.ts). */
export interface FeedSubscriber {
  /** Sends one event; false when the subscriber is too far behind (the feed then closes it). */
  send(event: string, data: unknown): boolean;
  close(): void;
}

interface Subscription {
  user: User;
  readonly creds: Credentials;
  readonly out: FeedSubscriber;
  /** Whether the user may read each workflow asked about, and until when that answer holds. */
  readonly access: Map<string, { ok: boolean; until: number }>;
  /** Events held while the snapshot is read, so none is sent before an older state. */
  held: { event: string; data: unknown }[] | undefined;
  /** Ends the feed when the API token it opened with expires. */
  expiry?: NodeJS.Timeout;
}

/** The bus channel of the feed: not a room name (those are `<kind>:<id>` or a bare id), so no room hears it. */
export const FEED_CHANNEL = '~live-feed';

/** What instances tell each other; checked on receipt (another instance's bytes are input too). */
const id = z.string().min(1).max(128);
const busNewsSchema = z.object({
  executions: z.array(id).max(20_000).default([]),
  deleted: z
    .array(z.object({ id, workflowId: id }))
    .max(20_000)
    .default([]),
  presence: z.object({ whole: z.boolean(), sets: z.record(id, z.array(id).max(10_000)) }).optional(),
  /** A new instance asks the others for their whole presence. */
  query: z.boolean().optional(),
});
type BusNews = z.input<typeof busNewsSchema>;

export interface LiveFeedOptions {
  accounts: AccountStore;
  workflows: WorkflowStore;
  /** Read by id when a run changed (the store itself, not the observed one). */
  executions: ExecutionStore;
  bus?: RoomBus | undefined;
  logger?: Logger;
  now?: () => number;
  /** Changes are gathered this long and sent together (a burst of runs is one message). */
  flushMs?: number;
  /** With a bus: how often this instance's whole presence is sent again, and how long another's lasts unheard. */
  presenceRefreshMs?: number;
}

/** A "no access" answer is asked again after this long (someone may be added meanwhile). */
const DENIED_FOR_MS = 10_000;
/** Runs read per flush; more is `overflow` (a list then reads its page again). */
const MAX_RUNS_PER_FLUSH = 1_000;
/** Per subscription: past this many cached access answers the cache starts over. */
const MAX_ACCESS_ENTRIES = 20_000;
const NAME_CACHE_MS = 60_000;
/** setTimeout's longest delay; a later expiry re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The live feed's hub (docs/plans/home-insights.md §1): presence from the
 * sync sockets, run changes from the execution store, fanned out to every open
 * feed that may read them. Changes are gathered for `flushMs` and sent
 * together; with a bus they also reach the other instances, whose feeds read
 * the runs from the shared database. Nothing here throws into its callers: a
 * failed flush is logged and the next one carries on.
 */
export class LiveFeed implements ExecutionChanges {
  readonly presence: PresenceIndex;
  private readonly subscriptions = new Set<Subscription>();
  private changedRuns = new Set<string>();
  private deletedRuns: { id: string; workflowId: string }[] = [];
  /** What this instance saw itself (the bus hears it; what came from the bus does not go back). */
  private ownRuns = new Set<string>();
  private ownDeleted: { id: string; workflowId: string }[] = [];
  private changedPresence = new Set<string>();
  /** Workflows whose people changed on this instance: the bus hears them. */
  private localPresence = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly names = new Map<string, string>();
  private namesAt = 0;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly flushMs: number;
  private unsubscribe: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);
  private refresh: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: LiveFeedOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.flushMs = options.flushMs ?? 100;
    this.presence = new PresenceIndex((workflowId) => {
      this.changedPresence.add(workflowId);
      this.schedule();
    });
    const { bus } = options;
    if (!bus) return;
    this.unsubscribe = bus
      .subscribe(FEED_CHANNEL, (message) => this.hear(message))
      .then(
        (leave) => {
          this.publish({ query: true, presence: { whole: true, sets: this.presence.localSets() } });
          return leave;
        },
        (error: unknown) => {
          this.logger.error({ err: error }, 'subscribing to the live feed channel failed');
          return undefined;
        },
      );
    const refreshMs = options.presenceRefreshMs ?? 15_000;
    this.refresh = setInterval(() => {
      this.publish({ presence: { whole: true, sets: this.presence.localSets() } });
      this.presence.expire(this.now() - 3 * refreshMs);
    }, refreshMs);
    this.refresh.unref();
    bus.onReconnect(() => this.publish({ query: true, presence: { whole: true, sets: this.presence.localSets() } }));
  }

  /** A signed-in person's sync socket opened in a workflow's room. */
  joined(workflowId: string, userId: string): void {
    this.localPresence.add(workflowId);
    this.presence.join(workflowId, userId);
  }

  left(workflowId: string, userId: string): void {
    this.localPresence.add(workflowId);
    this.presence.leave(workflowId, userId);
  }

  changed(executionId: string): void {
    this.changedRuns.add(executionId);
    if (this.options.bus) this.ownRuns.add(executionId);
    this.schedule();
  }

  deleted(executionId: string, workflowId: string): void {
    this.deletedRuns.push({ id: executionId, workflowId });
    if (this.options.bus) this.ownDeleted.push({ id: executionId, workflowId });
    this.schedule();
  }

  /** When an API token stops working (epoch ms), null for never, undefined for no such token. */
  tokenExpiry(token: string): Promise<number | null | undefined> {
    return this.options.accounts.apiTokenExpiry(token);
  }

  /** Open feeds of one person (the route bounds them). */
  countFor(userId: string): number {
    let n = 0;
    for (const s of this.subscriptions) if (s.user.id === userId) n += 1;
    return n;
  }

  /**
   * Starts a feed: the snapshot (people in readable workflows, their queued
   * and running runs), then `ready`, then changes. Resolves to its end.
   */
  async subscribe(
    user: User,
    creds: Credentials,
    out: FeedSubscriber,
    /** When the API token it opened with stops working (epoch ms), or null. */
    expiresAt: number | null = null,
  ): Promise<() => void> {
    const sub: Subscription = { user, creds, out, access: new Map(), held: [] };
    this.subscriptions.add(sub);
    const end = (): void => {
      clearTimeout(sub.expiry);
      this.subscriptions.delete(sub);
    };
    if (expiresAt !== null) this.watchExpiry(sub, expiresAt);
    try {
      for (const workflowId of this.presence.occupied()) {
        if (await this.mayRead(sub, workflowId))
          this.deliver(sub, LiveFeedEvents.presence, await this.presenceOf(workflowId), true);
      }
      // The newest runs in flight that this person may read, one index walk per status (the store tests
      // membership per row), never the whole queue.
      const inFlight = async (status: 'queued' | 'running') =>
        this.options.executions.list({
          readableBy: { userId: user.id, isAdmin: user.isAdmin },
          statuses: [status],
          limit: MAX_LIVE_EXECUTIONS + 1,
        });
      const visible = [...(await inFlight('running')), ...(await inFlight('queued'))].sort(
        (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1),
      );
      const runs = await this.liveRuns(visible.slice(0, MAX_LIVE_EXECUTIONS));
      this.deliver(
        sub,
        LiveFeedEvents.executions,
        { executions: runs, deleted: [], overflow: visible.length > MAX_LIVE_EXECUTIONS },
        true,
      );
      this.deliver(sub, LiveFeedEvents.ready, {}, true);
      const held = sub.held ?? [];
      sub.held = undefined;
      for (const { event, data } of held) this.deliver(sub, event, data);
    } catch (error) {
      this.logger.error({ err: error }, 'starting a live feed failed');
      end();
      out.close();
    }
    return end;
  }

  /**
   * Access changed (sync-upgrade.ts's revalidate has the same filter): a
   * matching feed authenticates again and forgets what it knew of the
   * workflow's access; one whose credentials no longer hold is closed.
   */
  async revalidate(filter: { userId?: string; workflowId?: string }): Promise<void> {
    const affected = [...this.subscriptions].filter((s) => filter.userId === undefined || s.user.id === filter.userId);
    await Promise.all(
      affected.map(async (sub) => {
        if (filter.workflowId === undefined) sub.access.clear();
        else sub.access.delete(filter.workflowId);
        try {
          const found = await authenticate(this.options.accounts, sub.creds);
          if (found?.user.id === sub.user.id) {
            sub.user = found.user;
            return;
          }
        } catch (error) {
          this.logger.error({ err: error }, 'checking a live feed again failed; closing it');
        }
        clearTimeout(sub.expiry);
        this.subscriptions.delete(sub);
        sub.out.close();
      }),
    );
  }

  /** Closes a feed opened with an expiring API token when it expires (the client's reconnect then gets 401). */
  private watchExpiry(sub: Subscription, expiresAt: number): void {
    const delay = Math.max(0, expiresAt - this.now());
    sub.expiry = setTimeout(
      () => {
        if (!this.subscriptions.has(sub)) return;
        if (this.now() < expiresAt) {
          this.watchExpiry(sub, expiresAt);
          return;
        }
        this.subscriptions.delete(sub);
        sub.out.close();
      },
      Math.min(delay + 5, MAX_TIMER_MS),
    );
    sub.expiry.unref();
  }

  /** Stops: feeds close, and other instances hear that nobody is here any more. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.refresh);
    for (const sub of this.subscriptions) {
      clearTimeout(sub.expiry);
      sub.out.close();
    }
    this.subscriptions.clear();
    this.publish({ presence: { whole: true, sets: {} } });
    const leave = await this.unsubscribe;
    await leave?.().catch(() => undefined);
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // One flush at a time, in order: a slow read must not let a later state overtake an earlier one.
      this.flushing = this.flushing.then(() =>
        this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'sending live feed changes failed')),
      );
    }, this.flushMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const runs = [...this.changedRuns];
    const deleted = this.deletedRuns;
    const people = [...this.changedPresence];
    const local = this.localPresence;
    const own = [...this.ownRuns];
    const ownDeleted = this.ownDeleted;
    this.changedRuns = new Set();
    this.deletedRuns = [];
    this.changedPresence = new Set();
    this.localPresence = new Set();
    this.ownRuns = new Set();
    this.ownDeleted = [];
    if (this.options.bus && (own.length > 0 || ownDeleted.length > 0 || local.size > 0)) {
      this.publish({
        executions: own,
        deleted: ownDeleted,
        ...(local.size > 0 ? { presence: { whole: false, sets: this.presence.localSets(local) } } : {}),
      });
    }
    if (this.subscriptions.size === 0) return;
    for (const workflowId of people) {
      const event = await this.presenceOf(workflowId);
      for (const sub of this.subscriptions)
        if (await this.mayRead(sub, workflowId)) this.deliver(sub, LiveFeedEvents.presence, event);
    }
    if (runs.length === 0 && deleted.length === 0) return;
    const rows: ExecutionRow[] = [];
    for (const runId of runs.slice(0, MAX_RUNS_PER_FLUSH)) {
      const row = await this.options.executions.get(runId);
      if (row) rows.push(row);
    }
    const live = await this.liveRuns(rows);
    const overflowed = runs.length > MAX_RUNS_PER_FLUSH;
    for (const sub of this.subscriptions) {
      const mine: LiveExecution[] = [];
      for (const run of live) if (await this.mayRead(sub, run.workflowId)) mine.push(run);
      const gone: string[] = [];
      for (const d of deleted) if (await this.mayRead(sub, d.workflowId)) gone.push(d.id);
      if (mine.length === 0 && gone.length === 0 && !overflowed) continue;
      this.deliver(sub, LiveFeedEvents.executions, {
        executions: mine.slice(0, MAX_LIVE_EXECUTIONS),
        deleted: gone.slice(0, MAX_LIVE_EXECUTIONS),
        overflow: overflowed || mine.length > MAX_LIVE_EXECUTIONS || gone.length > MAX_LIVE_EXECUTIONS,
      });
    }
  }

  /** Sends, or holds while the snapshot is read; a feed too far behind is closed (its client reconnects). */
  private deliver(sub: Subscription, event: string, data: unknown, snapshot = false): void {
    if (!this.subscriptions.has(sub)) return;
    if (sub.held && !snapshot) {
      sub.held.push({ event, data });
      return;
    }
    if (sub.out.send(event, data)) return;
    clearTimeout(sub.expiry);
    this.subscriptions.delete(sub);
    sub.out.close();
  }

  private async mayRead(sub: Subscription, workflowId: string): Promise<boolean> {
    if (sub.user.isAdmin) return true;
    const now = this.now();
    const known = sub.access.get(workflowId);
    if (known && known.until > now) return known.ok;
    const ok = (await this.options.workflows.memberRole(workflowId, sub.user.id)) !== undefined;
    if (sub.access.size >= MAX_ACCESS_ENTRIES) sub.access.clear();
    // A yes holds until access is revalidated (every removal revalidates); a no is asked again soon.
    sub.access.set(workflowId, { ok, until: ok ? Number.POSITIVE_INFINITY : now + DENIED_FOR_MS });
    return ok;
  }

  private async presenceOf(workflowId: string): Promise<LivePresence> {
    const users: PresentUser[] = [];
    for (const userId of this.presence.users(workflowId)) users.push({ id: userId, name: await this.nameOf(userId) });
    users.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { workflowId, users };
  }

  private async nameOf(userId: string): Promise<string> {
    const now = this.now();
    if (now - this.namesAt > NAME_CACHE_MS) {
      this.names.clear();
      this.namesAt = now;
    }
    let name = this.names.get(userId);
    if (name === undefined) {
      name = (await this.options.accounts.getUser(userId))?.name ?? 'Someone';
      this.names.set(userId, name);
    }
    return name;
  }

  private async liveRuns(rows: readonly ExecutionRow[]): Promise<LiveExecution[]> {
    const workflowNames = new Map<string, string>();
    const out: LiveExecution[] = [];
    for (const row of rows) {
      let workflowName = workflowNames.get(row.workflowId);
      if (workflowName === undefined) {
        workflowName = (await this.options.workflows.get(row.workflowId))?.name ?? '';
        workflowNames.set(row.workflowId, workflowName);
      }
      out.push({
        id: row.id,
        workflowId: row.workflowId,
        workflowName,
        mode: row.mode,
        status: row.status,
        error: row.error,
        retryOf: row.retryOf,
        createdBy: row.createdBy,
        startedBy: row.createdBy === null ? null : { id: row.createdBy, name: await this.nameOf(row.createdBy) },
        createdAt: row.createdAt,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        parentExecutionId: row.parentExecutionId,
      });
    }
    return out;
  }

  private publish(news: BusNews): void {
    const { bus } = this.options;
    if (!bus) return;
    bus.publish(FEED_CHANNEL, { t: 'feed', from: bus.instanceId, payload: JSON.stringify(news) });
  }

  private hear(message: RoomMessage): void {
    if (message.t !== 'feed') return;
    let news: z.output<typeof busNewsSchema>;
    try {
      news = busNewsSchema.parse(JSON.parse(message.payload));
    } catch {
      this.logger.warn({ from: message.from }, 'ignoring a malformed live feed message');
      return;
    }
    if (news.presence) this.presence.hear(message.from, news.presence.sets, news.presence.whole, this.now());
    if (news.query) this.publish({ presence: { whole: true, sets: this.presence.localSets() } });
    // Runs and deletions another instance saw reach this instance's feeds (not its bus: no echoes).
    for (const runId of news.executions) this.changedRuns.add(runId);
    this.deletedRuns.push(...news.deleted);
    if (news.executions.length > 0 || news.deleted.length > 0) this.schedule();
  }
}
