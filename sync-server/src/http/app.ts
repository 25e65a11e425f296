import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from '#shared/log.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { FavouritesStore } from '../accounts/favourites-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { WorkflowService } from '../workflows/workflow-service.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { RunQueue } from '../executions/run-queue.ts';
import type { ExecutionService } from '../executions/execution-service.ts';
import type { ExecutionStore } from '../executions/execution-store.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import type { TestWebhooks } from '../triggers/test-webhooks.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { executionRoutes } from './routes/executions.ts';
import { webhookRoutes } from './webhooks.ts';
import { authMiddleware, type AppEnv, type SocketRevalidator } from './auth.ts';
import { apiNotFound, onError } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import type { InboxStore } from '../discussion/inbox-store.ts';
import { meRoutes } from './routes/me.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { invitationRoutes, type InvitationLimits } from './routes/invitations.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { templateRoutes } from './routes/templates.ts';
import type { TemplateStore } from '../templates/template-store.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { homeRoutes } from './routes/home.ts';
import { versionRoutes } from './routes/versions.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { VersionHistory } from '../history/version-history.ts';
import type { VersionStore } from '../executions/version-store.ts';
import { modeRoutes } from './routes/modes.ts';
import type { EditPolicy } from '../modes/edit-policy.ts';
import type { ModeStore } from '../modes/mode-store.ts';
import { linkRoutes } from './routes/links.ts';
import type { LinkStore } from '../links/link-store.ts';
import type { LinkLimits } from '../links/link-limits.ts';
import { staticRoutes } from './static.ts';
import { apiDocsRoutes } from './api-docs.ts';
import type { AuthLimits } from '../accounts/auth-limits.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditStore } from '../audit/audit-store.ts';
import { requestAudit } from './audit-actor.ts';
import { settingsRoutes } from './routes/settings.ts';
import { invitedCheck } from '../settings/invited.ts';
import type { InstanceSettings } from '../settings/instance-settings.ts';
import { auditRoutes } from './routes/audit.ts';
import { changeRoutes } from './routes/changes.ts';
import type { ChangeIndexStore } from '../changes/change-index-store.ts';
import { hostAllowed, hostRefusal, requestHost } from './host-guard.ts';
import type { LiveFeed } from '../live-feed/live-feed.ts';
import { liveFeedRoutes } from '../live-feed/live-feed-route.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { metricsRoutes, webhookTiming } from '../metrics/metrics-routes.ts';
import type { InsightsStore } from '../insights/insights-store.ts';
import type { WebhookLatency } from '../insights/webhook-latency.ts';
import { insightsRoutes } from './routes/insights.ts';

export interface AppDeps {
  accounts: AccountStore;
  favourites: FavouritesStore;
  rooms: RoomManager;
  /** Open sync sockets (read lazily: the endpoint is attached after the app is built). */
  sockets: () => number;
  /** Closes or downgrades open sockets after access was taken away (see http/sync-upgrade.ts). */
  revalidate: SocketRevalidator;
  workflowStore: WorkflowStore;
  workflows: WorkflowService;
  executionStore: ExecutionStore;
  executions: ExecutionService;
  runs: RunQueue;
  triggers: TriggerService;
  testWebhooks: TestWebhooks;
  credentials: CredentialStore;
  inbox: InboxStore;
  /** Invitations by email (needs WEFT_SMTP_URL), and how many an account may send. */
  mail: MailSender;
  invitationLimits: InvitationLimits;
  history: HistoryStore;
  versions: VersionStore;
  versionHistory: VersionHistory;
  /** Edit modes: the store, this instance's policy, and the pen's default idle release. */
  modes: { store: ModeStore; policy: EditPolicy; defaultIdleMs: number };
  logger: Logger;
  /** The built web app's folder; undefined: the one this installation carries (static.ts). */
  clientDir: string | undefined;
  /** The instance settings (sign-up policy and the rest), changed by admins without a restart. */
  settings: InstanceSettings;
  cookieSecure: boolean;
  trustProxy: boolean;
  authLimits: AuthLimits;
  links: LinkStore;
  linkLimits: LinkLimits;
  /** The origin share links name (WEFT_PUBLIC_URL); unset: the request's own. */
  publicUrl?: string | undefined;
  /** Host names served besides localhost and IP addresses (http/host-guard.ts). */
  allowedHosts: readonly string[];
  /** The audit trail: recorded by the routes after each action, read by /audit. */
  audit: { log: AuditLog; store: AuditStore };
  /** Who changed what, read by /workflows/:id/changes (written by the workflow rooms' ChangeRecorder). */
  changes: ChangeIndexStore;
  /** Saved templates (the built-in ones ship with the code). */
  templates: TemplateStore;
  /** Presence and runs as they change, for the lists outside the editor (`GET /api/live`). */
  liveFeed: LiveFeed;
  /** Prometheus metrics: served at /metrics, webhook latency observed here. */
  metrics: ServerMetrics;
  /** Insights: the rollups' reader, and the recorder of webhook answers' latency. */
  insights: { store: InsightsStore; latency: WebhookLatency };
}

/** Request bodies over this are refused with 413 (imports of big workflows included). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The HTTP surface: /healthz, the REST API under /api, and the web app. */
export const createApp = (deps: AppDeps): Hono<AppEnv> => {
  const recordAudit = requestAudit(deps.audit.log, { accounts: deps.accounts, trustProxy: deps.trustProxy });
  const api = new Hono<AppEnv>()
    .use(
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new UserError(ErrorCodes.payloadTooLarge, `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
        },
      }),
    )
    .use(async (c, next) => {
      c.set('audit', recordAudit);
      await next();
    })
    .use(authMiddleware(deps.accounts, deps.trustProxy))
    .route(
      '/auth',
      authRoutes({
        accounts: deps.accounts,
        signup: () => deps.settings.value.signup,
        invited: invitedCheck(deps.workflowStore, deps.links),
        cookieSecure: deps.cookieSecure,
        revalidate: deps.revalidate,
        limits: deps.authLimits,
        trustProxy: deps.trustProxy,
      }),
    )
    .route('/tokens', tokenRoutes(deps.accounts, deps.revalidate))
    .route('/live', liveFeedRoutes(deps.liveFeed, { trustProxy: deps.trustProxy, logger: deps.logger }))
    .route(
      '/me',
      meRoutes({
        favourites: deps.favourites,
        accounts: deps.accounts,
        workflowStore: deps.workflowStore,
        workflows: deps.workflows,
        revalidate: deps.revalidate,
        cookieSecure: deps.cookieSecure,
        limits: deps.authLimits,
        trustProxy: deps.trustProxy,
      }),
    )
    .route('/me', inboxRoutes({ inbox: deps.inbox }))
    .route(
      '/',
      invitationRoutes({
        store: deps.workflowStore,
        mail: deps.mail,
        limits: deps.invitationLimits,
        signup: () => deps.settings.value.signup,
        trustProxy: deps.trustProxy,
        publicUrl: deps.publicUrl,
      }),
    )
    .route(
      '/workflows',
      workflowRoutes({
        credentials: deps.credentials,
        store: deps.workflowStore,
        service: deps.workflows,
        executions: deps.executions,
        triggers: deps.triggers,
        testWebhooks: deps.testWebhooks,
        rooms: deps.rooms,
        revalidate: deps.revalidate,
        policy: deps.modes.policy,
        versions: deps.versions,
        history: deps.history,
      }),
    )
    .route('/', homeRoutes({ store: deps.workflowStore }))
    .route(
      '/workflows',
      modeRoutes({
        store: deps.workflowStore,
        modes: deps.modes.store,
        policy: deps.modes.policy,
        defaultIdleMs: deps.modes.defaultIdleMs,
      }),
    )
    .route(
      '/workflows',
      versionRoutes({
        workflows: deps.workflowStore,
        accounts: deps.accounts,
        versions: deps.versions,
        history: deps.history,
        service: deps.versionHistory,
        policy: deps.modes.policy,
      }),
    )
    .route(
      '/workflows',
      changeRoutes({ workflows: deps.workflowStore, accounts: deps.accounts, changes: deps.changes }),
    )
    .route(
      '/executions',
      executionRoutes({
        executions: deps.executionStore,
        service: deps.executions,
        runs: deps.runs,
        workflows: deps.workflowStore,
      }),
    )
    .route('/credentials', credentialRoutes({ store: deps.credentials, workflows: deps.workflowStore }))
    .route('/nodes', nodeRoutes())
    .route(
      '/templates',
      templateRoutes({
        templates: deps.templates,
        workflowStore: deps.workflowStore,
        workflows: deps.workflows,
        credentials: deps.credentials,
      }),
    )
    .route(
      '/',
      linkRoutes({
        links: deps.links,
        workflows: deps.workflowStore,
        revalidate: deps.revalidate,
        limits: deps.linkLimits,
        trustProxy: deps.trustProxy,
        publicUrl: deps.publicUrl,
      }),
    )
    .route('/', auditRoutes({ audit: deps.audit.store, workflows: deps.workflowStore }))
    .route('/', insightsRoutes({ insights: deps.insights.store, workflows: deps.workflowStore }))
    .route('/', apiDocsRoutes())
    .route(
      '/admin',
      adminRoutes({
        rooms: deps.rooms,
        sockets: deps.sockets,
        startedAt: Date.now(),
        accounts: deps.accounts,
        revalidate: deps.revalidate,
      }),
    )
    .route('/admin/settings', settingsRoutes(deps.settings))
    .all('*', apiNotFound);
  api.onError(onError(deps.logger));

  const app = new Hono<AppEnv>();
  // Before the Host guard: /metrics answers an admin's token only, which a rebinding page cannot send (metrics-routes.ts).
  app.route('/', metricsRoutes({ accounts: deps.accounts, metrics: deps.metrics }));
  app.use(async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const host = incoming ? requestHost(incoming.headers, deps.trustProxy) : c.req.header('host');
    if (!hostAllowed(host, deps.allowedHosts)) throw new UserError(ErrorCodes.hostNotAllowed, hostRefusal(host));
    await next();
  });
  app.use(secureHeaders({ crossOriginEmbedderPolicy: false, contentSecurityPolicy: undefined }));
  app.onError(onError(deps.logger));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/api', api);
  // Webhooks read their body from the Node request and enforce the same limit there (http/webhooks.ts).
  const hooks = webhookRoutes({
    triggers: deps.triggers,
    testWebhooks: deps.testWebhooks,
    executions: deps.executions,
    rooms: deps.rooms,
    accounts: deps.accounts,
    workflows: deps.workflowStore,
    trustProxy: deps.trustProxy,
    latency: deps.insights.latency,
  });
  hooks.onError(onError(deps.logger));
  app.use('/webhook/*', webhookTiming(deps.metrics));
  app.route('/', hooks);
  app.route('/', staticRoutes(deps.clientDir));
  return app;
};
