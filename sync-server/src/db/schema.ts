import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The sync server's SQLite schema: the source drizzle-kit generates
 * migrations/ from (`npm run db:generate`). Times are Unix milliseconds.
 */

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Lower-cased; unique. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** The first account is the instance admin. */
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  /** Set by the admin: a disabled account cannot log in, and its sessions, tokens and sockets stop working. */
  disabledAt: integer('disabled_at'),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the cookie value; the cookie itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** The browser that logged in, so a person can tell their sessions apart when ending one. */
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** sha256 of the token; tokens are 256-bit random, so a fast hash is enough. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    /** Epoch ms after which the token no longer authenticates; null: until it is revoked. */
    expiresAt: integer('expires_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const workflows = sqliteTable('workflows', {
  id: text('id').primaryKey(),
  /** A copy of the document's meta.name, kept for listings; the document is the source of truth. */
  name: text('name').notNull(),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** The version webhooks and schedules run (set by publish). */
  publishedHash: text('published_hash'),
  /** Active workflows answer their webhooks and run their schedules. */
  active: integer('active', { mode: 'boolean' }).notNull().default(false),
});

/**
 * Immutable, content-addressed versions of a workflow: saved when someone runs
 * or publishes it. Executions name the version they ran, so a run is
 * reproducible however the document changes afterwards.
 */
export const workflowVersions = sqliteTable(
  'workflow_versions',
  {
    /** sha256 of the workflow id and the definition JSON. */
    hash: text('hash').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** The document's encoded Yjs state at the time. */
    state: blob('state', { mode: 'buffer' }).notNull(),
    /** The definition derived from it (what the engine runs), as JSON. */
    definition: text('definition').notNull(),
    authorId: text('author_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('workflow_versions_workflow_idx').on(t.workflowId, t.createdAt)],
);

export const executions = sqliteTable(
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
    /** The trigger's items (a webhook request), JSON; null for a manual run. */
    triggerItems: text('trigger_items'),
    startNodeId: text('start_node_id'),
    createdBy: text('created_by'),
    retryOf: text('retry_of'),
    engineId: text('engine_id'),
    /** The instance whose engine runs it (a cluster): a run held by an instance that stopped is failed. */
    instanceId: text('instance_id'),
    /** Makes one trigger event one execution across instances (`schedule:<wf>:<node>:<tick>`); null for most. */
    triggerKey: text('trigger_key'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    /** The run whose outputs a partial run reused (docs/plans/n8n-daily.md §3.4); null for a fresh run. */
    baseExecutionId: text('base_execution_id'),
    /** The node a "run to here" or "execute step" run stopped at. */
    destinationNodeId: text('destination_node_id'),
    /** 'all', 'toHere' or 'step' for a run the editor asked to reuse outputs; null for a fresh run. */
    runScope: text('run_scope'),
    /** JSON `{ nodeId: hash }` of the version's nodes when the run was made (partial runs compare them). */
    fingerprints: text('fingerprints'),
    /**
     * The pins the run uses, JSON `{ nodeId: items[] }` (docs/plans/n8n-daily.md §2.4): read from the live
     * document when a manual or test run is made, copied by its retries; null for production runs.
     */
    pins: text('pins'),
    /**
     * A sub-workflow run's caller (docs/plans/n8n-daily.md §6): the execution and its Execute Workflow node.
     * No foreign key: retention may delete a parent before its children.
     */
    parentExecutionId: text('parent_execution_id'),
    parentNodeId: text('parent_node_id'),
    /** The top of the chain of calls (the run nobody called); null for a run nobody called. */
    rootExecutionId: text('root_execution_id'),
    /** Calls between the root and this run: 0 for a run nobody called. */
    depth: integer('depth').notNull().default(0),
    /** Values a run saved about itself (n8n's custom execution data), JSON. */
    customData: text('custom_data'),
  },
  (t) => [
    index('executions_workflow_idx').on(t.workflowId, t.createdAt),
    index('executions_parent_idx').on(t.parentExecutionId, t.createdAt),
    uniqueIndex('executions_trigger_key_idx').on(t.triggerKey),
    // Retention deletes the oldest executions first (executions/retention.ts).
    index('executions_created_idx').on(t.createdAt),
    // The executions page's status filter walks newest first within one status (docs/plans/home-insights.md §3);
    // it also serves every lookup by status alone (a run's writes touch one status index, not two).
    index('executions_status_created_idx').on(t.status, t.createdAt),
    check('executions_status_check', sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'canceled')`),
  ],
);

/** One run of one node in an execution: what went in and out, and how it ended. */
export const nodeRuns = sqliteTable(
  'node_runs',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    runIndex: integer('run_index').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['succeeded', 'failed'] }).notNull(),
    /** Items by input handle, JSON. */
    input: text('input').notNull(),
    /** Items by output handle, JSON. */
    output: text('output').notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at').notNull(),
    /** The order the runs were recorded in, within their execution: nodeRuns() answers in it. */
    ord: integer('ord').notNull(),
    /**
     * 'ran', 'reused' (a partial run took it from its base) or 'pinned' (the node's pin stood in for it). No CHECK
     * here, unlike pg: SQLite can add a table constraint only by rebuilding node_runs, its largest table.
     */
    origin: text('origin', { enum: ['ran', 'reused', 'pinned'] })
      .notNull()
      .default('ran'),
    /** Where each output item came from (engine's encodePaired), JSON; null when nothing asked for it. */
    paired: text('paired'),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.nodeId, t.runIndex] })],
);

export const executionLogs = sqliteTable(
  'execution_logs',
  {
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
    level: text('level', { enum: ['info', 'warn', 'error'] }).notNull(),
    /** The node the line is about (its name when it ran), if any. */
    node: text('node'),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.seq] })],
);

export const workflowMembers = sqliteTable(
  'workflow_members',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'editor', 'commenter', 'viewer'] }).notNull(),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.userId] }),
    index('workflow_members_user_idx').on(t.userId),
    check('workflow_members_role_check', sql`${t.role} in ('owner', 'editor', 'commenter', 'viewer')`),
  ],
);

/**
 * The append-only update log of every document (SPEC SYNC1). A row is
 * committed before its update is relayed to anyone.
 */
export const docUpdates = sqliteTable(
  'doc_updates',
  {
    docId: text('doc_id').notNull(),
    seq: integer('seq').notNull(),
    /** The user whose connection sent it; null for the server's own edits (repairs, migrations). */
    authorId: text('author_id'),
    createdAt: integer('created_at').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.seq] })],
);

/**
 * Each document's head: the last seq given out. Appends take their seqs from
 * it inside their transaction, so seqs are gap-free per document and commit
 * in order, whoever writes (storage/doc-store.ts).
 */
export const docHeads = sqliteTable('doc_heads', {
  docId: text('doc_id').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

/** The compacted state of a document: the log up to `uptoSeq` folded into one update. */
export const docSnapshots = sqliteTable('doc_snapshots', {
  docId: text('doc_id').primaryKey(),
  uptoSeq: integer('upto_seq').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
  /** The snapshot's state vector, so a cold room can start a sync without decoding the snapshot. */
  stateVector: blob('state_vector', { mode: 'buffer' }),
  /** The document layout version of the snapshot (null: stored before it was recorded), see StoredDoc. */
  schemaVersion: integer('schema_version'),
  updatedAt: integer('updated_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`),
});

/** Node types a person starred in the palette, in the order they starred them. */
export const favouriteNodeTypes = sqliteTable(
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

/**
 * Secrets nodes use (API keys, tokens, passwords), encrypted with AES-256-GCM
 * (`data` = iv ‖ tag ‖ ciphertext of the JSON). Never sent to a browser;
 * documents hold only the id.
 */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['apiKeyHeader', 'bearer', 'basic', 'smtp', 'crypto', 'postgres', 'mysql'] }).notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('credentials_owner_idx').on(t.ownerId)],
);

/**
 * Which workflows a credential's owner let use it. A job carries a credential
 * only when such a grant exists: being added to someone else's workflow, even
 * as its owner, grants nothing (docs/SECURITY.md).
 */
export const credentialGrants = sqliteTable(
  'credential_grants',
  {
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    grantedAt: integer('granted_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.credentialId, t.workflowId] }),
    index('credential_grants_workflow_idx').on(t.workflowId),
  ],
);

/**
 * An owner's invitation of an email address to a workflow. Adding a member by
 * email always makes one, whether or not an account uses that address, so the
 * answer never tells who has an account; the invitee accepts it (signed in
 * with that address) to become a member.
 */
export const workflowInvitations = sqliteTable(
  'workflow_invitations',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'editor', 'commenter', 'viewer'] }).notNull(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('workflow_invitations_workflow_email_idx').on(t.workflowId, t.email),
    index('workflow_invitations_email_idx').on(t.email),
    check('workflow_invitations_role_check', sql`${t.role} in ('owner', 'editor', 'commenter', 'viewer')`),
  ],
);

/**
 * Facts about the installation itself, one row each. `encryption_key_check`
 * holds an HMAC of a constant under the credential key, so a server started
 * with another key (a lost key file, an instance of a cluster set up apart)
 * refuses to run instead of failing on every credential.
 */
export const instanceSettings = sqliteTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Queued executions whose job is not yet in the cluster's queue (BullMQ):
 * written in the execution's own transaction, removed once the job is added,
 * so a job exists exactly when its row committed (REDIS_URL only).
 */
export const jobOutbox = sqliteTable('job_outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  executionId: text('execution_id')
    .notNull()
    .unique()
    .references(() => executions.id, { onDelete: 'cascade' }),
  workflowId: text('workflow_id').notNull(),
  priority: integer('priority').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** The active workflows' production webhooks, one row per method and path: unique across instances. */
export const webhookRoutes = sqliteTable(
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

/** Editors listening for one test event (`/webhook-test/…`), shared by instances; expired rows are free. */
export const testWebhookListeners = sqliteTable(
  'test_webhook_listeners',
  {
    method: text('method').notNull(),
    path: text('path').notNull(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.method, t.path] })],
);

/**
 * Each person's in-app inbox (issue 14): a mention of them in a comment, or a
 * reply in a thread they wrote in. Filled from committed discussion changes;
 * one row per person, comment and kind, so writing it twice adds nothing.
 */
export const inboxItems = sqliteTable(
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
    /** The comment's first characters when it was written, mentions shown as names. */
    excerpt: text('excerpt').notNull(),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [
    uniqueIndex('inbox_items_user_comment_kind_idx').on(t.userId, t.commentId, t.kind),
    index('inbox_items_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('inbox_items_created_idx').on(t.createdAt),
    check('inbox_items_kind_check', sql`${t.kind} in ('mention', 'reply')`),
  ],
);

/**
 * The workflow's history (docs/plans/collaboration.md §7.1): each entry names a
 * content-addressed version. Auto entries are cut from an editing session,
 * named ones by a person, publish by publishing, restore by a restore (with
 * the version the document held before it).
 */
export const workflowHistory = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** JSON array of the ids of the people who edited since the entry before. */
    authors: text('authors').notNull(),
    /** Restore only: the history entry restored. */
    restoredFrom: text('restored_from'),
    /** Restore only: the version the document held before, which undo goes back to. */
    beforeHash: text('before_hash'),
  },
  (t) => [
    index('workflow_history_workflow_idx').on(t.workflowId, t.createdAt, t.id),
    check('workflow_history_kind_check', sql`${t.kind} in ('auto', 'named', 'publish', 'restore')`),
    check('workflow_history_name_check', sql`${t.name} is null or length(${t.name}) <= 100`),
  ],
);

/** A workflow's editing session since its last history entry: cut into an auto version once idle. */
export const workflowEditSessions = sqliteTable('workflow_edit_sessions', {
  workflowId: text('workflow_id')
    .primaryKey()
    .references(() => workflows.id, { onDelete: 'cascade' }),
  startedAt: integer('started_at').notNull(),
  lastEditAt: integer('last_edit_at').notNull(),
});

/** Who edited in a workflow's open session; every instance adds its own, so the rows are their union. */
export const workflowSessionAuthors = sqliteTable(
  'workflow_session_authors',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.userId] })],
);

/**
 * A workflow's edit mode (docs/plans/collaboration.md §5.1); no row means
 * `parallel`. `version` grows by one with every change, so an instance that
 * hears of a change twice, or late, keeps the newer state. `pen_requests`
 * is JSON `[{userId, at}]`, at most 20 entries.
 */
export const workflowModes = sqliteTable(
  'workflow_modes',
  {
    workflowId: text('workflow_id')
      .primaryKey()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: ['parallel', 'locked', 'pen'] }).notNull(),
    reason: text('reason'),
    setBy: text('set_by').references(() => users.id, { onDelete: 'set null' }),
    setAt: integer('set_at').notNull(),
    version: integer('version').notNull(),
    penHolder: text('pen_holder').references(() => users.id, { onDelete: 'set null' }),
    penSince: integer('pen_since'),
    penActiveAt: integer('pen_active_at'),
    penIdleMs: integer('pen_idle_ms'),
    penRequests: text('pen_requests').notNull().default('[]'),
  },
  (t) => [check('workflow_modes_mode_check', sql`${t.mode} in ('parallel', 'locked', 'pen')`)],
);

/**
 * Share links: whoever holds the token may join the workflow with `role`
 * (never owner), until it expires, is used by `max_uses` people or is
 * revoked. The token itself is kept only as a hash (looked up) and sealed
 * with the credential key (so its owners can copy the link again).
 */
export const workflowLinks = sqliteTable(
  'workflow_links',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    /** sha256 of the token (base64url); tokens are 256-bit random, so a fast hash is enough. */
    tokenHash: text('token_hash').notNull().unique(),
    /** The token, AES-256-GCM under the credential key (credentials/cipher.ts). */
    tokenSealed: blob('token_sealed', { mode: 'buffer' }).notNull(),
    role: text('role', { enum: ['editor', 'commenter', 'viewer'] }).notNull(),
    label: text('label'),
    /** Null: never. */
    expiresAt: integer('expires_at'),
    /** Null: no limit. */
    maxUses: integer('max_uses'),
    /** Distinct people who joined (or were raised) through it. */
    uses: integer('uses').notNull().default(0),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedBy: text('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('workflow_links_workflow_idx').on(t.workflowId, t.createdAt),
    check('workflow_links_role_check', sql`${t.role} in ('editor', 'commenter', 'viewer')`),
  ],
);

/** Who joined through which link, once per person: what `uses` counts and owners see. */
export const workflowLinkJoins = sqliteTable(
  'workflow_link_joins',
  {
    linkId: text('link_id')
      .notNull()
      .references(() => workflowLinks.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: integer('joined_at').notNull(),
    roleGranted: text('role_granted', { enum: ['editor', 'commenter', 'viewer'] }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.linkId, t.userId] }),
    index('workflow_link_joins_user_idx').on(t.userId),
    check('workflow_link_joins_role_check', sql`${t.roleGranted} in ('editor', 'commenter', 'viewer')`),
  ],
);

/**
 * The audit trail (docs/plans/collaboration.md §6.1): who did what, when and
 * from where. Append-only: a trigger refuses UPDATE (0019_audit_append_only);
 * DELETE stays open for retention. `actor_id` and `workflow_id` are copies
 * without foreign keys, so events outlive accounts and workflows. `data` is
 * JSON text. `dedupe_key` is set only by events that must be recorded once.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
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

/**
 * "Who changed this" (docs/plans/collaboration.md §6.4): per document, target
 * (`node:<id>`, `node:<id>:param:<name>`, `edge:<id>`, `meta`) and person, when
 * they last changed it and in how many updates. Kept beside the update log
 * because compaction deletes the log's author-stamped rows.
 */
export const docChangeIndex = sqliteTable(
  'doc_change_index',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    target: text('target').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastAt: integer('last_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.target, t.userId] })],
);

/**
 * Templates saved by people of this instance (docs/plans/n8n-daily.md §9.1;
 * the built-in ones ship as files). JSON columns hold what shared/src/templates
 * validates; `content_hash` names the picture's version (its ETag). A template
 * belongs to the instance, so it outlives its creator's account.
 */
export const templates = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('templates_category_name_idx').on(t.category, t.name)],
);

/** One integer column per histogram bucket (insights/buckets.ts): summed in SQL by both dialects. */
const histogram = (prefix: 'd' | 'l') =>
  Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`${prefix}${i}`, integer(`${prefix}${i}`).notNull().default(0)]),
  );

/**
 * Insights rollups (docs/plans/home-insights.md §4), each kept by the hour (`hour`: its start, ms) and by the UTC
 * day (`day`), so a month reads 30 rows a series where it would read 720. Written in the transaction that records
 * a run's end. No foreign key to executions: they outlive execution retention.
 */
const runsRollup = (name: string, period: 'hour' | 'day') =>
  sqliteTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: integer(period).notNull(),
      mode: text('mode').notNull(),
      status: text('status').notNull(),
      runs: integer('runs').notNull().default(0),
      /** The summed durations of the runs that started (the histogram counts those). */
      durationMs: integer('duration_ms').notNull().default(0),
      minutesSaved: real('minutes_saved').notNull().default(0),
      ...histogram('d'),
    },
    (t) => [primaryKey({ columns: [t.workflowId, t.at, t.mode, t.status] }), index(`${name}_${period}_idx`).on(t.at)],
  );

/** Failed node runs per workflow, period and node (one per execution in which the node failed). */
const nodeFailuresRollup = (name: string, period: 'hour' | 'day') =>
  sqliteTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: integer(period).notNull(),
      nodeId: text('node_id').notNull(),
      /** The node's name and type at its latest failure in the period. */
      nodeName: text('node_name').notNull(),
      nodeType: text('node_type').notNull(),
      failures: integer('failures').notNull().default(0),
    },
    (t) => [primaryKey({ columns: [t.workflowId, t.at, t.nodeId] }), index(`${name}_${period}_idx`).on(t.at)],
  );

/**
 * Webhook answer latency (request arrived → answer sent) per workflow and period. Its own table: the latency is
 * known when the answer goes, before the run's status (answer on receipt) or after its end is committed (last node).
 */
const webhookRollup = (name: string, period: 'hour' | 'day') =>
  sqliteTable(
    name,
    {
      workflowId: text('workflow_id')
        .notNull()
        .references(() => workflows.id, { onDelete: 'cascade' }),
      at: integer(period).notNull(),
      responses: integer('responses').notNull().default(0),
      latencyMs: integer('latency_ms').notNull().default(0),
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
export const workflowNodeTypes = sqliteTable(
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
export const tags = sqliteTable(
  'tags',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('tags_name_idx').on(t.name)],
);

export const workflowTags = sqliteTable(
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
export const folders = sqliteTable(
  'folders',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('folders_owner_idx').on(t.ownerId)],
);

/** Where a person filed a workflow: at most one folder per person and workflow. */
export const folderEntries = sqliteTable(
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
