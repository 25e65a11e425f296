/**
 * A workflow's version history (docs/plans/collaboration.md §7.1): entries
 * that point into the content-addressed `workflow_versions`, and the open
 * editing session each workflow has between two entries.
 *
 * Sessions are kept per workflow in the database, not per instance: every
 * instance touches the same row and adds its own authors, so the entry a
 * session is cut into names everyone who edited, wherever they were connected.
 */

export const HISTORY_KINDS = ['auto', 'named', 'publish', 'restore'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** A version hash (sha256 hex), as opposed to a history entry id. */
export const VERSION_HASH = /^[0-9a-f]{64}$/;

export const MAX_VERSION_NAME = 100;

export interface HistoryEntry {
  id: string;
  workflowId: string;
  versionHash: string;
  kind: HistoryKind;
  name: string | null;
  createdAt: number;
  createdBy: string | null;
  /** Who edited since the entry before this one, in the order they started. */
  authors: string[];
  /** Restore only: the entry that was restored. */
  restoredFrom: string | null;
  /** Restore only: the version the document held just before, which undo returns to. */
  beforeHash: string | null;
}

export interface NewHistoryEntry {
  id: string;
  versionHash: string;
  kind: HistoryKind;
  name?: string | null;
  createdAt: number;
  createdBy: string | null;
  /** Added to the session's authors when the entry cuts one. */
  authors?: readonly string[];
  restoredFrom?: string | null;
  beforeHash?: string | null;
}

export interface EditSession {
  workflowId: string;
  startedAt: number;
  lastEditAt: number;
}

export interface HistoryPage {
  limit: number;
  /** The last entry of the previous page; the page holds older ones. */
  cursor?: { createdAt: number; id: string } | undefined;
  kinds?: readonly HistoryKind[] | undefined;
}

export interface HistoryStore {
  /**
   * Records edits at `at` by `authorIds` in the workflow's session, opening it
   * if none is open, in one transaction. A deleted workflow is ignored.
   */
  touchSession(workflowId: string, at: number, authorIds: readonly string[]): Promise<void>;
  /** The workflow's open session, if any. */
  session(workflowId: string): Promise<EditSession | undefined>;
  /** Open sessions with no edit since `idleBefore`, oldest first. */
  dueSessions(idleBefore: number, limit?: number): Promise<EditSession[]>;
  /**
   * Closes the session into `entry` in one transaction, only if its last edit
   * is still `expectedLastEditAt`: of two instances cutting the same session,
   * or a cut racing an edit, one wins and the other inserts nothing (null).
   * The entry's authors are the session's. An `auto` cut whose version is the
   * newest entry's closes the session without an entry (nothing changed).
   */
  cutSession(workflowId: string, expectedLastEditAt: number, entry: NewHistoryEntry): Promise<HistoryEntry | null>;
  /**
   * Adds an entry unconditionally. With `cutSession`, the open session (if
   * any) closes into it in the same transaction and its authors join the
   * entry's: publishing and naming end the session as an idle cut would.
   */
  addEntry(workflowId: string, entry: NewHistoryEntry, options?: { cutSession?: boolean }): Promise<HistoryEntry>;
  /** Names (or renames) an entry; undefined if the workflow has no such entry. */
  rename(workflowId: string, id: string, name: string): Promise<HistoryEntry | undefined>;
  /** Newest first. */
  list(workflowId: string, page: HistoryPage): Promise<HistoryEntry[]>;
  /** By entry id, or by version hash (the newest entry of that version). */
  get(workflowId: string, idOrHash: string): Promise<HistoryEntry | undefined>;
}

/** The authors of an entry that closes a session: the session's, then the entry's own not already there. */
export const unionAuthors = (session: readonly string[], own: readonly string[] = []): string[] => [
  ...new Set([...session, ...own]),
];

export const parseAuthors = (json: string): string[] => {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
};
