import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '#shared/log.ts';
import type { AccountStore } from './accounts/account-store.ts';
import { AuthLimits } from './accounts/auth-limits.ts';
import { LinkLimits } from './links/link-limits.ts';
import type { SharedCounts } from './http/rate-limiters.ts';
import { InvitationLimits } from './http/routes/invitations.ts';
import { createMailer, createSmtpMailer, smtpConfigOfUrl, SwitchingMailer } from './mail/mailer.ts';
import { InstanceSettings, type Settings } from './settings/instance-settings.ts';
import { MailSender } from './mail/mail-sender.ts';
import { isHostEntry, type Config } from './config.ts';
import { createApp } from './http/app.ts';
import { hostAllowed, requestHost } from './http/host-guard.ts';
import { routeUpgrades } from './http/upgrade-router.ts';
import { createTargetCheckedServer } from './http/request-target.ts';
import { ENGINE_PATH } from '#shared/protocol/engine.ts';
import type { SocketRevalidator } from './http/auth.ts';
import type { AppEnv } from './http/auth.ts';
import { createSyncEndpoint } from './http/sync-upgrade.ts';
import { RoomManager } from './rooms/room-manager.ts';
import { workflowRoomHooks } from './workflows/room-hooks.ts';
import { ChangeRecorder } from './changes/change-recorder.ts';
import { discussionRoomHooks } from './discussion/discussion-hooks.ts';
import { InboxNotifier } from './discussion/inbox-notifier.ts';
import { InboxRetention } from './discussion/inbox-retention.ts';
import { WebhookLatency } from './insights/webhook-latency.ts';
import { discussionAudit } from './discussion/discussion-audit.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { CredentialUseAudit } from './audit/credential-use.ts';
import { renameAudit } from './workflows/rename-audit.ts';
import { AuditRetention, DEFAULT_AUDIT_RETENTION_DAYS } from './audit/audit-retention.ts';
import { roomHooks } from './rooms/room-kinds.ts';
import { WorkflowService } from './workflows/workflow-service.ts';
import { EngineHub } from './executions/engine-hub.ts';
import { SubworkflowStarter } from './executions/subworkflows.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { EngineLossRetry } from './executions/engine-loss-retry.ts';
import { runPolicyOf, type RunPolicy, type RunPolicySettings } from './executions/run-policy.ts';
import { defaultSettings } from '#shared/schema/definition.ts';
import { ExecutionService } from './executions/execution-service.ts';
import { createRunQueue } from './executions/create-run-queue.ts';
import type { RunQueue } from './executions/run-queue.ts';
import { LiveStatus } from './executions/live-status.ts';
import { LiveFeed } from './live-feed/live-feed.ts';
import { observeExecutions } from './live-feed/observed-executions.ts';
import { EditPolicy } from './modes/edit-policy.ts';
import { modeDto } from './modes/mode-dto.ts';
import { followModes } from './modes/mode-sync.ts';
import { PenSweeper } from './modes/pen-sweeper.ts';
import { ExecutionRetention } from './executions/retention.ts';
import { TriggerService } from './triggers/trigger-service.ts';
import { TestWebhooks } from './triggers/test-webhooks.ts';
import { openStorage } from './storage/open-storage.ts';
import type { Storage } from './storage/storage.ts';
import type { RoomBus } from './cluster/room-bus.ts';
import { RedisRoomBus } from './cluster/redis-room-bus.ts';
import { instanceIdOf } from './cluster/instance-id.ts';
import { VersionHistory } from './history/version-history.ts';
import { startVersionSessions, VERSION_IDLE_MINUTES } from './history/version-sessions.ts';
import { ServerMetrics } from './metrics/server-metrics.ts';
import { meteredDocStore } from './metrics/metered-doc-store.ts';
import { countExecutionEnds } from './metrics/execution-ends.ts';
import { createMetricsPort } from './metrics/metrics-port.ts';

export type SyncServerConfig = Pick<
  Config,
  | 'host'
  | 'port'
  | 'dbFile'
  | 'maxFrameBytes'
  | 'maxBufferedBytes'
  | 'compactEvery'
  | 'flushIntervalMs'
  | 'roomUnloadMs'
  | 'pingIntervalMs'
  | 'signup'
  | 'cookieSecure'
  | 'dbSynchronous'
  | 'clientDir'
  | 'allowedHosts'
  | 'trustProxy'
  | 'maxQueuedPerWorkflow'
  | 'maxRunningPerWorkflow'
  | 'executionsMaxAgeDays'
  | 'executionsMaxCount'
  | 'loginLimitPerAccount'
  | 'authLimitPerAddress'
> &
  Partial<
    Pick<
      Config,
      | 'databaseUrl'
      | 'redisUrl'
      | 'redisPrefix'
      | 'smtpUrl'
      | 'smtpFrom'
      | 'publicUrl'
      | 'maxReuseBytes'
      | 'metricsPort'
      | 'metricsHost'
    >
  > & {
    /** Secret engines present on /engine. */
    engineToken: string;
    /** AES-256 key of the credential store (see credentials/encryption-key.ts). */
    encryptionKey: Buffer;
    /** WEFT_VERSION_IDLE_MINUTES: an editing session nobody edited for this long becomes an auto version. */
    versionIdleMinutes?: number;
    /** How often idle sessions are looked for (tests shorten it). */
    versionSweepMs?: number;
    /** How long a pen holder may go without a committed edit before the pen is freed (WEFT_PEN_IDLE_MINUTES). */
    penIdleMs?: number;
    /** How often idle pens are looked for (tests shorten it). */
    modeSweepMs?: number;
    /** How often followed modes are read again, for lost notifications (tests shorten it). */
    modeRefreshMs?: number;
    /** Requests to share links by token per address per 15 minutes (links/link-limits.ts has the default). */
    linkLimitPerAddress?: number;
    /** Addresses one account may invite by email per hour (http/routes/invitations.ts has the default). */
    invitationsPerHour?: number;
    /** WEFT_AUDIT_RETENTION_DAYS: audit events older than this are deleted; 0 keeps everything. */
    auditRetentionDays?: number;
  } & Partial<RunPolicySettings> &
  Partial<Pick<Config, 'maxSubworkflowDepth' | 'maxSubworkflowRuns'>>;

/**
 * Instances on one PostgreSQL hear each other's setting changes at once (NOTIFY); they also read the
 * settings again this often, in case a notification was lost.
 */
const SETTINGS_RELOAD_MS = 60_000;
/** The sender of Weft's mail when WEFT_SMTP_FROM is unset. */
const DEFAULT_MAIL_FROM = 'Weft <weft@localhost>';

/** WEFT_PEN_IDLE_MINUTES's default (docs/plans/collaboration.md §5.4). */
export const DEFAULT_PEN_IDLE_MINUTES = 10;

export interface SyncServer {
  readonly http: Server;
  /** The hono app, for in-process requests in tests (`app.request(...)`). */
  readonly app: Hono<AppEnv>;
  /** The stores, on SQLite or PostgreSQL as configured. */
  readonly storage: Storage;
  /** Shares rooms with other instances (REDIS_URL); undefined when this instance is alone. */
  readonly bus: RoomBus | undefined;
  /** This instance's id in logs and on the bus: host-pid-random. */
  readonly instanceId: string;
  readonly rooms: RoomManager;
  readonly accounts: AccountStore;
  readonly workflows: WorkflowService;
  readonly engines: EngineHub;
  /** Where runs wait for an engine: BullMQ with REDIS_URL, the hub's in-process queue otherwise. */
  readonly runs: RunQueue;
  readonly executions: ExecutionService;
  /** Deletes old executions in the background; `await tick()` runs a round now (tests). */
  readonly retention: ExecutionRetention;
  /** The instance settings (`/api/admin/settings`), applied without a restart. */
  readonly settings: InstanceSettings;
  /** Cuts idle editing sessions into auto versions; `await sweep()` runs a round now (tests). */
  readonly versionSessions: { sweep(): Promise<void> };
  /** The secret engines present on /engine. */
  readonly engineToken: string;
  /** Prometheus metrics (served at /metrics, and on the metrics port when configured). */
  readonly metrics: ServerMetrics;
  /** Starts listening; resolves with the bound port (useful with port 0), and the metrics port's when configured. */
  listen(): Promise<{ host: string; port: number; metricsPort?: number }>;
  /** Graceful stop: no new sockets, every socket closed (1001), every room committed, database closed. */
  close(): Promise<void>;
}

/**
 * Builds a whole sync server from its config: no module state, so a test can
 * run two in one process. Resolves once what a restart left is read back
 * (queued and orphaned runs), before anything listens.
 */
export const createSyncServer = async ({
  config,
  logger,
}: {
  config: SyncServerConfig;
  logger: Logger;
}): Promise<SyncServer> => {
  const instanceId = instanceIdOf();
  const storage = await openStorage(
    {
      dbFile: config.dbFile,
      dbSynchronous: config.dbSynchronous,
      databaseUrl: config.databaseUrl,
      clustered: config.redisUrl !== undefined,
      encryptionKey: config.encryptionKey,
    },
    logger.child({ component: 'storage' }),
  );
  const { accounts, versions, credentials, executions: storedExecutions, workflows: workflowStore } = storage;
  const metrics = new ServerMetrics();
  const docs = meteredDocStore(storage.docs, metrics);
  // The instance settings: the environment gives each its first value, the Settings page changes it.
  const settings = await InstanceSettings.open({
    store: storage.settings,
    defaults: {
      signup: config.signup,
      smtp: smtpConfigOfUrl(config.smtpUrl, config.smtpFrom ?? DEFAULT_MAIL_FROM),
      outboundAllow: config.httpAllow ?? [],
      executionRetention: { maxAgeDays: config.executionsMaxAgeDays, maxCount: config.executionsMaxCount },
      defaultTimeoutSeconds: defaultSettings.timeoutSeconds,
    },
    encryptionKey: config.encryptionKey,
    logger: logger.child({ component: 'settings' }),
    isHostEntry,
  });
  // Instances sharing a PostgreSQL database hear each other's changes (NOTIFY); the interval is the backstop.
  if (storage.dialect === 'postgres') settings.reloadEvery(SETTINGS_RELOAD_MS);
  const bus =
    config.redisUrl === undefined
      ? undefined
      : new RedisRoomBus({
          url: config.redisUrl,
          instanceId,
          prefix: `${config.redisPrefix ?? 'weft'}:`,
          logger: logger.child({ component: 'bus' }),
        });
  const liveFeed = new LiveFeed({
    accounts,
    workflows: workflowStore,
    executions: storedExecutions,
    bus,
    logger: logger.child({ component: 'live-feed' }),
  });
  // Every write that can change a run's status reaches the live feed (`GET /api/live`).
  const executionStore = observeExecutions(storedExecutions, liveFeed);
  const penIdleMs = config.penIdleMs ?? DEFAULT_PEN_IDLE_MINUTES * 60_000;
  const auditLog = createAuditLog({
    store: storage.audit,
    logger: logger.child({ component: 'audit' }),
    workflowName: async (id) => (await workflowStore.get(id))?.name,
  });
  const changeRecorder = new ChangeRecorder({
    store: storage.changes,
    logger: logger.child({ component: 'changes' }),
  });
  const policy = new EditPolicy({ store: storage.modes, logger: logger.child({ component: 'modes' }) });
  const rooms = new RoomManager({
    store: docs,
    logger: logger.child({ component: 'rooms' }),
    unloadDelayMs: config.roomUnloadMs,
    compactEvery: config.compactEvery,
    flushIntervalMs: config.flushIntervalMs,
    hooks: roomHooks({
      workflow: workflowRoomHooks({
        store: workflowStore,
        history: storage.history,
        logger: logger.child({ component: 'workflows' }),
        policy,
        modes: storage.modes,
        renamed: renameAudit(auditLog, accounts, logger.child({ component: 'audit' })),
        changes: changeRecorder,
      }),
      discussion: discussionRoomHooks({
        inbox: new InboxNotifier(storage.inbox, workflowStore, logger.child({ component: 'inbox' })),
        audit: discussionAudit(auditLog, accounts, logger.child({ component: 'audit' })),
      }),
    }),
    ...(bus ? { bus } : {}),
  });
  const workflows = new WorkflowService({ store: workflowStore, docs, rooms });
  const versionHistory = new VersionHistory({ rooms, versions, history: storage.history });
  const live = new LiveStatus(rooms, bus, { logger: logger.child({ component: 'live' }) });
  countExecutionEnds({ live, executions: executionStore, metrics, logger: logger.child({ component: 'metrics' }) });
  const stopTrackingModes = policy.track(rooms, (state) =>
    live.mode(state.workflowId, state.version === 0 ? null : modeDto(state, penIdleMs)),
  );
  const modeSync = followModes({
    store: storage.modes,
    policy,
    logger: logger.child({ component: 'modes' }),
    ...(config.modeRefreshMs === undefined ? {} : { refreshMs: config.modeRefreshMs }),
  });
  const penSweeper = new PenSweeper({
    store: storage.modes,
    policy,
    logger: logger.child({ component: 'modes' }),
    idleMs: penIdleMs,
    audit: auditLog,
    ...(config.modeSweepMs === undefined ? {} : { everyMs: config.modeSweepMs }),
  });
  // Read at each job: the allow-list, the sign-up policy (private addresses) and the default time limit
  // come from the instance settings.
  // Built again only when the settings change (a new value object): every webhook run asks for it.
  let policyOf: { settings: typeof settings.value; policy: RunPolicy } | undefined;
  const runPolicy = (): RunPolicy => {
    const now = settings.value;
    if (policyOf?.settings !== now) {
      const policy = runPolicyOf({ ...config, signup: now.signup, httpAllow: [...now.outboundAllow] });
      policyOf = { settings: now, policy: { ...policy, defaultTimeoutSeconds: now.defaultTimeoutSeconds } };
    }
    return policyOf.policy;
  };
  const engines = new EngineHub({
    token: config.engineToken,
    executions: executionStore,
    versions,
    workflows: workflowStore,
    credentials,
    live,
    logger: logger.child({ component: 'engines' }),
    runPolicy,
    maxRunningPerWorkflow: config.maxRunningPerWorkflow,
    credentialUse: new CredentialUseAudit(auditLog),
    instanceId,
  });
  const runs = createRunQueue({
    hub: engines,
    executions: executionStore,
    live,
    logger: logger.child({ component: 'runs' }),
    instanceId,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    maxRunningPerWorkflow: config.maxRunningPerWorkflow,
  });
  // Before the queue starts: a restart's failed orphans may start error runs (error-workflows.ts).
  executionStore.setErrorRuns({
    publicUrl: config.publicUrl,
    outbox: runs.usesOutbox,
    started: ({ id, workflowId, createdAt }) => {
      // Called after the commit: a throw here would read as a failed commit, so it stays here.
      try {
        runs.enqueue(id, workflowId);
        live.started(workflowId, id, createdAt);
      } catch (error) {
        logger.error({ err: error, executionId: id }, 'queueing an error run failed; the next start runs it');
      }
    },
  });
  const executions = new ExecutionService({
    rooms,
    versions,
    executions: executionStore,
    queue: runs,
    live,
    maxQueuedPerWorkflow: config.maxQueuedPerWorkflow,
    credentials,
    ...(config.maxReuseBytes === undefined ? {} : { maxReuseBytes: config.maxReuseBytes }),
  });
  engines.useSubworkflows(
    new SubworkflowStarter({
      executions: executionStore,
      versions,
      workflows: workflowStore,
      history: storage.history,
      settingsOf: (id) => rooms.withRoom(id, (room) => toDefinition(room.doc).settings),
      snapshot: (id, authorId) => executions.snapshot(id, authorId),
      enqueue: (id, workflowId) => runs.enqueue(id, workflowId),
      usesOutbox: runs.usesOutbox,
      started: (workflowId, id, createdAt) => live.started(workflowId, id, createdAt),
      maxDepth: config.maxSubworkflowDepth ?? 10,
      maxRunsPerRoot: config.maxSubworkflowRuns ?? 1000,
    }),
  );
  const engineLoss = new EngineLossRetry({
    executions: executionStore,
    versions,
    service: executions,
    logger: logger.child({ component: 'engine-loss' }),
  });
  // Before start: runs a restart left without their engine are lost runs too.
  runs.onRunLost((executionId) => engineLoss.lost(executionId));
  await runs.start();
  const triggers = new TriggerService({
    workflows: workflowStore,
    versions,
    executions,
    live,
    store: storage.triggers,
    history: versionHistory,
    logger: logger.child({ component: 'triggers' }),
    timezone: runPolicy().timezone,
    redis: config.redisUrl === undefined ? undefined : { url: config.redisUrl, prefix: config.redisPrefix ?? 'weft' },
  });
  await triggers.start();
  const testWebhooks = new TestWebhooks(storage.testListeners, {
    onChange: (workflowId, state) => live.listening(workflowId, state),
    logger: logger.child({ component: 'test-webhooks' }),
  });
  // Rate limits count in Redis in a cluster, so a client spreading requests over instances meets each once.
  const sharedCounts = (component: string): { shared?: SharedCounts } =>
    config.redisUrl === undefined
      ? {}
      : {
          shared: {
            redisUrl: config.redisUrl,
            prefix: config.redisPrefix ?? 'weft',
            logger: logger.child({ component }),
          },
        };
  const authLimits = new AuthLimits({
    perAccount: config.loginLimitPerAccount,
    perAddress: config.authLimitPerAddress,
    ...sharedCounts('auth-limits'),
  });
  const linkLimits = new LinkLimits({
    ...(config.linkLimitPerAddress === undefined ? {} : { perAddress: config.linkLimitPerAddress }),
    ...sharedCounts('link-limits'),
  });
  const invitationLimits = new InvitationLimits({
    ...(config.invitationsPerHour === undefined ? {} : { perHour: config.invitationsPerHour }),
    ...sharedCounts('invitation-limits'),
  });
  // WEFT_SMTP_URL is used as given until an admin stores SMTP in the settings.
  const mailerOf = (now: Settings) =>
    now.smtpStored
      ? createSmtpMailer(now.smtp)
      : createMailer({ smtpUrl: config.smtpUrl, from: config.smtpFrom ?? DEFAULT_MAIL_FROM });
  const mailer = new SwitchingMailer(mailerOf(settings.value));
  let smtpInForce = JSON.stringify([settings.value.smtpStored, settings.value.smtp]);
  settings.onChange((now) => {
    const next = JSON.stringify([now.smtpStored, now.smtp]);
    if (next === smtpInForce) return;
    smtpInForce = next;
    mailer.use(mailerOf(now));
  });
  const mail = new MailSender(mailer, logger.child({ component: 'mail' }));
  let socketCount = (): number => 0;
  let revalidate: SocketRevalidator = () => Promise.resolve(0);
  /** For timers and watchers, which have nobody to answer: a failure is logged. */
  const recheckSockets = (filter: { userId?: string }): void => {
    revalidate(filter).catch((error: unknown) => logger.error({ err: error }, 'checking sockets again failed'));
  };
  const webhookLatency = new WebhookLatency(executionStore, logger.child({ component: 'insights' }));
  const app = createApp({
    accounts,
    favourites: storage.favourites,
    inbox: storage.inbox,
    rooms,
    sockets: () => socketCount(),
    revalidate: (filter) => revalidate(filter),
    workflowStore,
    workflows,
    executionStore,
    executions,
    runs,
    triggers,
    testWebhooks,
    credentials,
    history: storage.history,
    versions,
    versionHistory,
    modes: { store: storage.modes, policy, defaultIdleMs: penIdleMs },
    logger: logger.child({ component: 'http' }),
    clientDir: config.clientDir,
    settings,
    cookieSecure: config.cookieSecure,
    trustProxy: config.trustProxy,
    allowedHosts: config.allowedHosts,
    authLimits,
    links: storage.links,
    linkLimits,
    mail,
    invitationLimits,
    publicUrl: config.publicUrl,
    audit: { log: auditLog, store: storage.audit },
    changes: storage.changes,
    templates: storage.templates,
    metrics,
    liveFeed,
    insights: { store: storage.insights, latency: webhookLatency },
  });
  const http = createTargetCheckedServer({}, getRequestListener(app.fetch));
  const sync = createSyncEndpoint({
    accounts,
    workflows: workflowStore,
    rooms,
    logger: logger.child({ component: 'sync' }),
    maxFrameBytes: config.maxFrameBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    pingIntervalMs: config.pingIntervalMs,
    trustProxy: config.trustProxy,
    policy,
    presence: liveFeed,
  });
  socketCount = () => sync.socketCount;
  metrics.watch({
    rooms: () => rooms.loadedCount,
    sockets: () => sync.socketCount,
    engines: () => engines.engineCount,
    queued: () => runs.queuedTotal(),
  });
  const metricsPort =
    config.metricsPort === undefined ? undefined : createMetricsPort(metrics, logger.child({ component: 'metrics' }));
  revalidate = sync.revalidate;
  revalidate = async (filter) => {
    const [closed] = await Promise.all([sync.revalidate(filter), liveFeed.revalidate(filter)]);
    return closed;
  };
  const upgrades = routeUpgrades(http, {
    routes: [sync.route, { matches: (pathname) => pathname === ENGINE_PATH, handle: engines.handleUpgrade }],
    logger: logger.child({ component: 'upgrades' }),
    admit: (req) => {
      const host = requestHost(req.headers, config.trustProxy);
      return hostAllowed(host, config.allowedHosts) ? undefined : { status: 421, reason: 'Misdirected Request' };
    },
  });
  // Timers must not throw: a busy or full database is logged, and the next round tries again.
  // Expired sessions go every minute, and the sockets opened with them close with them.
  const sessionSweep = setInterval(() => {
    void accounts
      .deleteExpiredSessions()
      .then((users) => {
        for (const userId of users) recheckSockets({ userId });
      })
      .catch((error: unknown) => logger.error({ err: error }, 'deleting expired sessions failed'));
  }, 60 * 1000);
  sessionSweep.unref();
  // Access taken away elsewhere (another instance, or an admin command beside the server): check sockets again.
  const outsideWrites = storage.watchAccess((change) => recheckSockets(change));
  const inboxRetention = new InboxRetention(storage.inbox, logger.child({ component: 'inbox' }));
  const auditRetention = new AuditRetention(
    storage.audit,
    config.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    logger.child({ component: 'audit' }),
  );
  const retention = new ExecutionRetention(
    executionStore,
    () => settings.value.executionRetention,
    logger.child({ component: 'retention' }),
  );

  const versionSessions = startVersionSessions({
    history: storage.history,
    versions: versionHistory,
    logger: logger.child({ component: 'versions' }),
    idleMs: (config.versionIdleMinutes ?? VERSION_IDLE_MINUTES) * 60_000,
    ...(config.versionSweepMs === undefined ? {} : { intervalMs: config.versionSweepMs }),
  });

  // A log a killed server left is folded before anyone connects (rooms/room-manager.ts foldLogs).
  // One update is a document made and never opened: its first load decodes it anyway.
  const foldStart = performance.now();
  const folded = await rooms.foldLogs(2);
  if (folded.folded + folded.failed > 0) {
    logger.info({ ...folded, ms: Math.round(performance.now() - foldStart) }, 'folded the document logs a stop left');
  }

  let closing: Promise<void> | undefined;
  return {
    http,
    app,
    storage,
    bus,
    instanceId,
    rooms,
    accounts,
    workflows,
    engines,
    runs,
    executions,
    retention,
    settings,
    versionSessions,
    engineToken: config.engineToken,
    metrics,
    listen: async () => {
      const bind = (server: Server, port: number, host: string) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
          });
        });
      const port = await bind(http, config.port, config.host);
      if (!metricsPort) return { host: config.host, port };
      return {
        host: config.host,
        port,
        metricsPort: await bind(metricsPort, config.metricsPort ?? 0, config.metricsHost ?? '127.0.0.1'),
      };
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(sessionSweep);
        outsideWrites.stop();
        penSweeper.stop();
        modeSync.stop();
        stopTrackingModes();
        retention.close();
        settings.close();
        mailer.close();
        inboxRetention.close();
        auditRetention.close();
        await versionSessions.stop();
        await triggers.close();
        testWebhooks.close();
        upgrades.close();
        await engines.close();
        // Retries of the runs the hub's close just lost are stored before the queue and stores close.
        await engineLoss.close();
        // After the hub: the runs its engines held have ended, so the worker's jobs complete.
        await runs.close();
        sync.close();
        await liveFeed.close();
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        await rooms.shutdown();
        // The rooms' last commits are in the change index before the storage closes.
        await changeRecorder.close();
        http.closeAllConnections();
        await httpClosed;
        if (metricsPort?.listening) {
          const metricsClosed = new Promise<void>((resolve) => metricsPort.close(() => resolve()));
          metricsPort.closeAllConnections();
          await metricsClosed;
        }
        // Every answer is out: the latencies gathered meanwhile are written before the storage closes.
        await webhookLatency.close();
        await bus?.close();
        authLimits.close();
        linkLimits.close();
        invitationLimits.close();
        await storage.close();
      })();
      return closing;
    },
  };
};
