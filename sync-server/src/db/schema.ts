import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
});

export const workflowMembers = sqliteTable(
  'workflow_members',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.userId] }),
    index('workflow_members_user_idx').on(t.userId),
    check('workflow_members_role_check', sql`${t.role} in ('owner', 'editor', 'viewer')`),
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

/** The compacted state of a document: the log up to `uptoSeq` folded into one update. */
export const docSnapshots = sqliteTable('doc_snapshots', {
  docId: text('doc_id').primaryKey(),
  uptoSeq: integer('upto_seq').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
  /** The snapshot's state vector, so a cold room can start a sync without decoding the snapshot. */
  stateVector: blob('state_vector', { mode: 'buffer' }),
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
