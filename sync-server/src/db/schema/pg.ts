import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL schema: the same tables, columns, keys and indexes as the
 * SQLite one (sync-server/src/db/schema.ts), with the same SQL and property
 * names, so both dialects' adapters read the same rows. schema-parity.test.ts
 * fails when the two drift. drizzle-kit generates migrations/pg from it
 * (`npm run db:generate`).
 *
 * - Times are Unix milliseconds in `bigint` read as numbers (ms fit in 2^53).
 * - JSON stays `text`: Weft answers it byte for byte (jsonb reorders keys).
 * - Enumerations stay `text` with CHECK constraints, as in SQLite.
 */

/** Bytes as `bytea` (pg-core has no builder for it). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const ms = (name: string) => bigint(name, { mode: 'number' });

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  isAdmin: boolean('is_admin').notNull().default(false),
  createdAt: ms('created_at').notNull(),
  disabledAt: ms('disabled_at'),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
    expiresAt: ms('expires_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const workflows = pgTable('workflows', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
  publishedHash: text('published_hash'),
  active: boolean('active').notNull().default(false),
});

export const workflowVersions = pgTable(
  'workflow_versions',
  {
    hash: text('hash').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    state: bytea('state').notNull(),
    definition: text('definition').notNull(),
    authorId: text('author_id'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('workflow_versions_workflow_idx').on(t.workflowId, t.createdAt)],
);

export const executions = pgTable(
  'executions',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    versionHash: text('version_hash')
      .notNull()
      .references(() => workflowVersions.hash),
    mode: text('mode', { enum: ['manual', 'test', 'webhook', 'schedule', 'retry', 'error', 'subworkflow'] }).notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] }).notNull(),
    error: text('error'),
    triggerItems: text('trigger_items'),
    startNodeId: text('start_node_id'),
    createdBy: text('created_by'),
    retryOf: text('retry_of'),
    engineId: text('engine_id'),
    instanceId: text('instance_id'),
    triggerKey: text('trigger_key'),
    createdAt: ms('created_at').notNull(),
    startedAt: ms('started_at'),
    finishedAt: ms('finished_at'),
    baseExecutionId: text('base_execution_id'),
    destinationNodeId: text('destination_node_id'),
    runScope: text('run_scope'),
    fingerprints: text('fingerprints'),
    pins: text('pins'),
    parentExecutionId: text('parent_execution_id'),
    parentNodeId: text('parent_node_id'),
    rootExecutionId: text('root_execution_id'),
    depth: integer('depth').notNull().default(0),
    customData: text('custom_data'),
  },
  (t) => [
    index('executions_workflow_idx').on(t.workflowId, t.createdAt),
    index('executions_parent_idx').on(t.parentExecutionId, t.createdAt),
    uniqueIndex('executions_trigger_key_idx').on(t.triggerKey),
    index('executions_created_idx').on(t.createdAt),
    // The executions page's status filter walks newest first within one status (docs/plans/home-insights.md §3);
    // it also serves every lookup by status alone (a run's writes touch one status index, not two).
    index('executions_status_created_idx').on(t.status, t.createdAt),
    check('executions_status_check', sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'canceled')`),
  ],
);

export const nodeRuns = pgTable(
  'node_runs',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    runIndex: integer('run_index').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['succeeded', 'failed'] }).notNull(),
    input: text('input').notNull(),
    output: text('output').notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at').notNull(),
    ord: integer('ord').notNull(),
    origin: text('origin', { enum: ['ran', 'reused', 'pinned'] })
      .notNull()
      .default('ran'),
    paired: text('paired'),
  },
  (t) => [
    primaryKey({ columns: [t.executionId, t.nodeId, t.runIndex] }),
    // SQLite has no such CHECK (adding one there rebuilds the table): schema-parity.test.ts knows.
    check('node_runs_origin_check', sql`${t.origin} in ('ran', 'reused', 'pinned')`),
  ],
);

export const executionLogs = pgTable(
  'execution_logs',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    at: ms('at').notNull(),
    level: text('level', { enum: ['info', 'warn', 'error'] }).notNull(),
    node: text('node'),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.seq] })],
);

export const workflowMembers = pgTable(
  'workflow_members',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'editor', 'commenter', 'viewer'] }).notNull(),
    addedAt: ms('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.userId] }),
    index('workflow_members_user_idx').on(t.userId),
    check('workflow_members_role_check', sql`${t.role} in ('owner', 'editor', 'commenter', 'viewer')`),
  ],
);

export const docUpdates = pgTable(
  'doc_updates',
  {
    docId: text('doc_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    authorId: text('author_id'),
    createdAt: ms('created_at').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.seq] })],
);

export const docHeads = pgTable('doc_heads', {
  docId: text('doc_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

export const docSnapshots = pgTable('doc_snapshots', {
  docId: text('doc_id').primaryKey(),
  uptoSeq: bigint('upto_seq', { mode: 'number' }).notNull(),
  data: bytea('data').notNull(),
  stateVector: bytea('state_vector'),
  schemaVersion: integer('schema_version'),
  updatedAt: ms('updated_at')
    .notNull()
    .default(sql`((extract(epoch from now()) * 1000)::bigint)`),
});

export const favouriteNodeTypes = pgTable(
  'favourite_node_types',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    nodeType: text('node_type').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.nodeType] })],
);

export const credentials = pgTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['apiKeyHeader', 'bearer', 'basic', 'smtp', 'crypto', 'postgres', 'mysql'] }).notNull(),
    data: bytea('data').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('credentials_owner_idx').on(t.ownerId)],
);

export const credentialGrants = pgTable(
  'credential_grants',
  {
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    grantedAt: ms('granted_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.credentialId, t.workflowId] }),
    index('credential_grants_workflow_idx').on(t.workflowId),
  ],
);

export const workflowInvitations = pgTable(
  'workflow_invitations',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'editor', 'commenter', 'viewer'] }).notNull(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('workflow_invitations_workflow_email_idx').on(t.workflowId, t.email),
    index('workflow_invitations_email_idx').on(t.email),
    check('workflow_invitations_role_check', sql`${t.role} in ('owner', 'editor', 'commenter', 'viewer')`),
  ],
);

export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const jobOutbox = pgTable('job_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  executionId: text('execution_id')
    .notNull()
    .unique()
    .references(() => executions.id, { onDelete: 'cascade' }),
  workflowId: text('workflow_id').notNull(),
  priority: integer('priority').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const webhookRoutes = pgTable(
  'webhook_routes',
  {
    method: text('method').notNull(),
    path: text('path').notNull(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    versionHash: text('version_hash').notNull(),
    nodeId: text('node_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.method, t.path] }), index('webhook_routes_workflow_idx').on(t.workflowId)],
);

export const testWebhookListeners = pgTable(
  'test_webhook_listeners',
  {
    method: text('method').notNull(),
    path: text('path').notNull(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.method, t.path] })],
);

export const inboxItems = pgTable(
  'inbox_items',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    threadId: text('thread_id').notNull(),
    commentId: text('comment_id').notNull(),
    kind: text('kind', { enum: ['mention', 'reply'] }).notNull(),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    excerpt: text('excerpt').notNull(),
    createdAt: ms('created_at').notNull(),
    readAt: ms('read_at'),
  },
  (t) => [
    uniqueIndex('inbox_items_user_comment_kind_idx').on(t.userId, t.commentId, t.kind),
    index('inbox_items_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('inbox_items_created_idx').on(t.createdAt),
    check('inbox_items_kind_check', sql`${t.kind} in ('mention', 'reply')`),
  ],
);

/** See schema.ts. */
export const workflowHistory = pgTable(
  'workflow_history',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    versionHash: text('version_hash')
      .notNull()
      .references(() => workflowVersions.hash),
    kind: text('kind', { enum: ['auto', 'named', 'publish', 'restore'] }).notNull(),
    name: text('name'),
    createdAt: ms('created_at').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    authors: text('authors').notNull(),
    restoredFrom: text('restored_from'),
    beforeHash: text('before_hash'),
  },
  (t) => [
    index('workflow_history_workflow_idx').on(t.workflowId, t.createdAt, t.id),
    check('workflow_history_kind_check', sql`${t.kind} in ('auto', 'named', 'publish', 'restore')`),
    check('workflow_history_name_check', sql`${t.name} is null or length(${t.name}) <= 100`),
  ],
);

export const workflowEditSessions = pgTable('workflow_edit_sessions', {
  workflowId: text('workflow_id')
    .primaryKey()
    .references(() => workflows.id, { onDelete: 'cascade' }),
  startedAt: ms('started_at').notNull(),
  lastEditAt: ms('last_edit_at').notNull(),
});

export const workflowSessionAuthors = pgTable(
  'workflow_session_authors',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstAt: ms('first_at').notNull(),
    lastAt: ms('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.userId] })],
);

export const workflowModes = pgTable(
  'workflow_modes',
  {
    workflowId: text('workflow_id')
      .primaryKey()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: ['parallel', 'locked', 'pen'] }).notNull(),
    reason: text('reason'),
    setBy: text('set_by').references(() => users.id, { onDelete: 'set null' }),
    setAt: ms('set_at').notNull(),
    version: integer('version').notNull(),
    penHolder: text('pen_holder').references(() => users.id, { onDelete: 'set null' }),
    penSince: ms('pen_since'),
    penActiveAt: ms('pen_active_at'),
    penIdleMs: integer('pen_idle_ms'),
    penRequests: text('pen_requests').notNull().default('[]'),
  },
  (t) => [check('workflow_modes_mode_check', sql`${t.mode} in ('parallel', 'locked', 'pen')`)],
);

export const workflowLinks = pgTable(
  'workflow_links',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    tokenSealed: bytea('token_sealed').notNull(),
    role: text('role', { enum: ['editor', 'commenter', 'viewer'] }).notNull(),
    label: text('label'),
    expiresAt: ms('expires_at'),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
    revokedBy: text('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('workflow_links_workflow_idx').on(t.workflowId, t.createdAt),
    check('workflow_links_role_check', sql`${t.role} in ('editor', 'commenter', 'viewer')`),
  ],
);

export const workflowLinkJoins = pgTable(
  'workflow_link_joins',
  {
    linkId: text('link_id')
      .notNull()
      .references(() => workflowLinks.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: ms('joined_at').notNull(),
    roleGranted: text('role_granted', { enum: ['editor', 'commenter', 'viewer'] }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.linkId, t.userId] }),
    index('workflow_link_joins_user_idx').on(t.userId),
    check('workflow_link_joins_role_check', sql`${t.roleGranted} in ('editor', 'commenter', 'viewer')`),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ms('at').notNull(),
    action: text('action').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    via: text('via', { enum: ['session', 'token', 'socket', 'system', 'engine'] }).notNull(),
    sessionRef: text('session_ref'),
    address: text('address'),
    workflowId: text('workflow_id'),
    workflowName: text('workflow_name'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: text('data').notNull().default('{}'),
    dedupeKey: text('dedupe_key').unique(),
  },
  (t) => [
    index('audit_events_workflow_idx').on(t.workflowId, t.seq),
    index('audit_events_actor_idx').on(t.actorId, t.seq),
    index('audit_events_action_idx').on(t.action, t.seq),
    index('audit_events_at_idx').on(t.at),
    check('audit_events_via_check', sql`${t.via} in ('session', 'token', 'socket', 'system', 'engine')`),
  ],
);

export const docChangeIndex = pgTable(
  'doc_change_index',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    target: text('target').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastAt: ms('last_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.target, t.userId] })],
);

export const templates = pgTable(
  'templates',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    tags: text('tags').notNull(),
    definition: text('definition').notNull(),
    variables: text('variables').notNull(),
    pins: text('pins'),
    contentHash: text('content_hash').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('templates_category_name_idx').on(t.category, t.name)],
);

/** One integer column per histogram bucket (insights/buckets.ts): summed in SQL by both dialects. */
const histogram = (prefix: 'd' | 'l') =>
  Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`${prefix}${i}`, integer(`${prefix}${i}`).notNull().default(0)]),
  );

/** Insights rollups: schema.ts says what they are. */
const runsRollup = (name: string, period: 'hour' | 'day') =>
  pgTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: ms(period).notNull(),
      mode: text('mode').notNull(),
      status: text('status').notNull(),
      runs: integer('runs').notNull().default(0),
      durationMs: ms('duration_ms').notNull().default(0),
      minutesSaved: doublePrecision('minutes_saved').notNull().default(0),
      ...histogram('d'),
    },
    (t) => [primaryKey({ columns: [t.workflowId, t.at, t.mode, t.status] }), index(`${name}_${period}_idx`).on(t.at)],
  );

const nodeFailuresRollup = (name: string, period: 'hour' | 'day') =>
  pgTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: ms(period).notNull(),
      nodeId: text('node_id').notNull(),
      nodeName: text('node_name').notNull(),
      nodeType: text('node_type').notNull(),
      failures: integer('failures').notNull().default(0),
    },
    (t) => [primaryKey({ columns: [t.workflowId, t.at, t.nodeId] }), index(`${name}_${period}_idx`).on(t.at)],
  );

const webhookRollup = (name: string, period: 'hour' | 'day') =>
  pgTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: ms(period).notNull(),
      responses: integer('responses').notNull().default(0),
      latencyMs: ms('latency_ms').notNull().default(0),
      ...histogram('l'),
    },
    (t) => [primaryKey({ columns: [t.workflowId, t.at] }), index(`${name}_${period}_idx`).on(t.at)],
  );

export const insightsHourly = runsRollup('insights_hourly', 'hour');
export const insightsDaily = runsRollup('insights_daily', 'day');
export const insightsNodeFailuresHourly = nodeFailuresRollup('insights_node_failures_hourly', 'hour');
export const insightsNodeFailuresDaily = nodeFailuresRollup('insights_node_failures_daily', 'day');
export const insightsWebhookHourly = webhookRollup('insights_webhook_hourly', 'hour');
export const insightsWebhookDaily = webhookRollup('insights_webhook_daily', 'day');

/**
 * The node types a workflow's document holds (docs/plans/home-insights.md §2): the list searches them without
 * reading documents. Kept by the room hooks when the set of types changes, and written on a room's first load.
 */
export const workflowNodeTypes = pgTable(
  'workflow_node_types',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.type] }), index('workflow_node_types_type_idx').on(t.type)],
);

/** Instance-wide labels; anyone who may read a workflow sees its tags. */
export const tags = pgTable(
  'tags',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('tags_name_idx').on(t.name)],
);

export const workflowTags = pgTable(
  'workflow_tags',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    tagId: text('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.tagId] }), index('workflow_tags_tag_idx').on(t.tagId)],
);

/** Each person's own folder tree: nobody else sees it (docs/plans/home-insights.md §0). */
export const folders = pgTable(
  'folders',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('folders_owner_idx').on(t.ownerId)],
);

/** Where a person filed a workflow: at most one folder per person and workflow. */
export const folderEntries = pgTable(
  'folder_entries',
  {
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    folderId: text('folder_id')
      .notNull()
      .references(() => folders.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.workflowId] }), index('folder_entries_folder_idx').on(t.folderId)],
);
