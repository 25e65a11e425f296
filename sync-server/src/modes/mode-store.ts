import { z } from 'zod';

/**
 * The storage port for workflows' edit modes (docs/plans/collaboration.md
 * §5.1). Every implementation passes test/contracts/mode-store.contract.ts.
 *
 * Contract:
 * - a workflow without a row is `parallel` at version 0;
 * - every write that changes something is one transaction, raises `version`
 *   by exactly one and, on PostgreSQL, notifies `weft_modes` with the
 *   workflow id inside that transaction (so the news goes out at commit);
 * - a write that changes nothing (a refusal, or taking a pen one holds)
 *   writes nothing, notifies nothing and answers the current state;
 * - `touchPen` records activity only: no new version, no notification;
 * - `releaseIdle` is one conditional statement, so instances sweeping at
 *   once release each idle pen exactly once between them.
 */

export const editModes = ['parallel', 'locked', 'pen'] as const;
export type EditMode = (typeof editModes)[number];

/** Pen requests kept per workflow: the newest ones, one per person. */
export const MAX_PEN_REQUESTS = 20;

export interface PenRequest {
  userId: string;
  at: number;
}

export interface PenState {
  /** Null while nobody holds it (released, or its holder's account is gone). */
  holder: string | null;
  since: number | null;
  /** The holder's last committed edit (or when they took it). */
  activeAt: number | null;
  /** This workflow's idle release, overriding the server's default. */
  idleMs: number | null;
  requests: PenRequest[];
}

export interface ModeState {
  workflowId: string;
  mode: EditMode;
  reason: string | null;
  setBy: string | null;
  setAt: number | null;
  /** 0 without a row; +1 per change. */
  version: number;
  /** Set exactly in pen mode. */
  pen: PenState | null;
}

export type PenResult =
  | { status: 'ok'; state: ModeState }
  /** The workflow is not in pen mode. */
  | { status: 'notPen'; state: ModeState }
  /** Someone else holds the pen and the caller did not force it. */
  | { status: 'held'; state: ModeState }
  /** The caller neither holds the pen nor acts as an owner. */
  | { status: 'notHolder'; state: ModeState }
  /** A hand-over to someone who is not an editor or owner of the workflow. */
  | { status: 'notEditor'; state: ModeState };

export interface SetMode {
  mode: EditMode;
  reason: string | null;
  by: string;
  at: number;
  /** Idle release for this workflow's pen; null: the server's default. */
  penIdleMs: number | null;
}

export interface ModeStore {
  get(workflowId: string): Promise<ModeState>;
  /** One state per id asked, in that order. */
  getMany(workflowIds: readonly string[]): Promise<ModeState[]>;
  /** Switching to `pen` hands the pen to `by`; any other mode has no pen. */
  setMode(workflowId: string, change: SetMode): Promise<ModeState>;
  /** Takes a free pen (or one held by someone else with `force`); the taker's request goes. */
  takePen(workflowId: string, userId: string, at: number, options?: { force?: boolean }): Promise<PenResult>;
  /** Adds (or renews) the caller's request; the holder asking changes nothing. */
  requestPen(workflowId: string, userId: string, at: number): Promise<PenResult>;
  /**
   * Gives the pen to `to`, who must be an editor or owner (read in the same
   * transaction). `by` must hold it unless `asOwner`.
   */
  handOver(workflowId: string, by: { userId: string; asOwner: boolean }, to: string, at: number): Promise<PenResult>;
  /** Nobody holds the pen afterwards; `by` must hold it unless `asOwner`. */
  releasePen(workflowId: string, by: { userId: string; asOwner: boolean }): Promise<PenResult>;
  /** Records the holder's activity; anyone else's is ignored. */
  touchPen(workflowId: string, userId: string, at: number): Promise<void>;
  /** Releases every pen idle past its (or the default) idle time at `now`; answers the released states. */
  releaseIdle(now: number, defaultIdleMs: number): Promise<ModeState[]>;
  /**
   * Calls `fn` with the workflow id after another process changed its mode
   * (at most once per change, maybe late or never while the connection is
   * down: callers also re-read on their own); `undefined` means any may have
   * changed. Answers a function that stops it.
   */
  onChange(fn: (workflowId: string | undefined) => void): () => void;
}

/** A `workflow_modes` row as both dialects read it. */
export interface ModeRow {
  workflowId: string;
  mode: EditMode;
  reason: string | null;
  setBy: string | null;
  setAt: number;
  version: number;
  penHolder: string | null;
  penSince: number | null;
  penActiveAt: number | null;
  penIdleMs: number | null;
  penRequests: string;
}

const requestsSchema = z.array(z.object({ userId: z.string(), at: z.number() })).max(MAX_PEN_REQUESTS);

const parseRequests = (text: string): PenRequest[] => {
  try {
    const parsed = requestsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
};

export const parallelState = (workflowId: string): ModeState => ({
  workflowId,
  mode: 'parallel',
  reason: null,
  setBy: null,
  setAt: null,
  version: 0,
  pen: null,
});

export const stateOf = (workflowId: string, row: ModeRow | undefined): ModeState =>
  row
    ? {
        workflowId,
        mode: row.mode,
        reason: row.reason,
        setBy: row.setBy,
        setAt: row.setAt,
        version: row.version,
        pen:
          row.mode === 'pen'
            ? {
                holder: row.penHolder,
                since: row.penSince,
                activeAt: row.penActiveAt,
                idleMs: row.penIdleMs,
                requests: parseRequests(row.penRequests),
              }
            : null,
      }
    : parallelState(workflowId);

/** The columns a `setMode` writes (version aside). */
export const modeColumns = (
  workflowId: string,
  change: SetMode,
): Omit<ModeRow, 'version'> & { penRequests: string } => {
  const pen = change.mode === 'pen';
  return {
    workflowId,
    mode: change.mode,
    reason: change.reason,
    setBy: change.by,
    setAt: change.at,
    penHolder: pen ? change.by : null,
    penSince: pen ? change.at : null,
    penActiveAt: pen ? change.at : null,
    penIdleMs: change.penIdleMs,
    penRequests: '[]',
  };
};

/** The pen columns to write, or a refusal: what both adapters decide on the locked row. */
export type PenDecision =
  | { write: Pick<ModeRow, 'penHolder' | 'penSince' | 'penActiveAt' | 'penRequests'> }
  | { refuse: Exclude<PenResult['status'], 'ok'> }
  /** Nothing to change: answer the state as it is. */
  | { same: true };

const withoutRequestOf = (requests: PenRequest[], userId: string): string =>
  JSON.stringify(requests.filter((r) => r.userId !== userId));

export const decideTake = (row: ModeRow | undefined, userId: string, at: number, force: boolean): PenDecision => {
  if (row?.mode !== 'pen') return { refuse: 'notPen' };
  if (row.penHolder === userId) return { same: true };
  if (row.penHolder !== null && !force) return { refuse: 'held' };
  return give(row, userId, at);
};

export const decideRequest = (row: ModeRow | undefined, userId: string, at: number): PenDecision => {
  if (row?.mode !== 'pen') return { refuse: 'notPen' };
  if (row.penHolder === userId) return { same: true };
  const others = parseRequests(row.penRequests).filter((r) => r.userId !== userId);
  const requests = [...others, { userId, at }].slice(-MAX_PEN_REQUESTS);
  return { write: { ...penOf(row), penRequests: JSON.stringify(requests) } };
};

/** `targetRole`: the target's membership role, read in the same transaction. */
export const decideHandOver = (
  row: ModeRow | undefined,
  by: { userId: string; asOwner: boolean },
  to: string,
  targetRole: string | undefined,
  at: number,
): PenDecision => {
  if (row?.mode !== 'pen') return { refuse: 'notPen' };
  if (row.penHolder !== by.userId && !by.asOwner) return { refuse: 'notHolder' };
  if (targetRole !== 'editor' && targetRole !== 'owner') return { refuse: 'notEditor' };
  if (row.penHolder === to) return { same: true };
  return give(row, to, at);
};

export const decideRelease = (row: ModeRow | undefined, by: { userId: string; asOwner: boolean }): PenDecision => {
  if (row?.mode !== 'pen') return { refuse: 'notPen' };
  if (row.penHolder !== by.userId && !by.asOwner) return { refuse: 'notHolder' };
  if (row.penHolder === null) return { same: true };
  return { write: { penHolder: null, penSince: null, penActiveAt: null, penRequests: row.penRequests } };
};

const penOf = (row: ModeRow): Pick<ModeRow, 'penHolder' | 'penSince' | 'penActiveAt'> => ({
  penHolder: row.penHolder,
  penSince: row.penSince,
  penActiveAt: row.penActiveAt,
});

const give = (row: ModeRow, userId: string, at: number): PenDecision => ({
  write: {
    penHolder: userId,
    penSince: at,
    penActiveAt: at,
    penRequests: withoutRequestOf(parseRequests(row.penRequests), userId),
  },
});
