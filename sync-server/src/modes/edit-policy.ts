import { silentLogger, type Logger } from '#shared/log.ts';
import { parseRoomName } from '#shared/protocol/rooms.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomWatcher } from '../rooms/room-manager.ts';
import { can } from '../workflows/access.ts';
import type { Role } from '../workflows/workflow-store.ts';
import type { ModeState, ModeStore } from './mode-store.ts';

export interface EditPolicyOptions {
  store: ModeStore;
  logger?: Logger;
}

/** What the policy needs of the room manager. */
export interface PolicyRooms {
  peek(docId: string): Room | undefined;
  watch(watcher: RoomWatcher): () => void;
}

/**
 * Who may write a workflow's document under its edit mode, answered
 * synchronously per update (RoomHooks.mayWrite) from a cache of each mode
 * (docs/plans/collaboration.md §5.2):
 * - parallel: editors and owners;
 * - locked: owners;
 * - pen: whoever holds the pen, owners included.
 * A workflow whose mode is not known yet is closed to writers until it is
 * (a load starts): the socket endpoint awaits `ensure` before the handshake,
 * so that happens only after an eviction, and `apply` then lets them in.
 *
 * States only ever move to a newer `version`, whichever way they arrive (this
 * instance's write, a notification, the periodic re-read), so order and
 * duplicates do not matter.
 */
export class EditPolicy {
  private readonly states = new Map<string, ModeState>();
  private readonly loading = new Map<string, Promise<ModeState>>();
  private readonly logger: Logger;
  private rooms: PolicyRooms | undefined;
  private showState: ((state: ModeState) => void) | undefined;

  constructor(private readonly options: EditPolicyOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Follows the rooms: a workflow room that loads gets its mode shown, and
   * one that unloads lets its cached mode go (the next socket reads it again).
   * `show` puts a mode in front of the room's members (the server's awareness
   * entry), after each newer state and when a room loads.
   */
  track(rooms: PolicyRooms, show?: (state: ModeState) => void): () => void {
    this.rooms = rooms;
    this.showState = show;
    return rooms.watch({
      loaded: (room) => {
        const workflowId = workflowOf(room.docId);
        if (workflowId === undefined) return;
        const known = this.states.get(workflowId);
        // A load shows what it read (apply); a known mode is shown again to the new room.
        if (known) this.show(known);
        else
          this.load(workflowId).catch((error: unknown) =>
            this.logger.warn({ err: error, workflowId }, 'reading the edit mode failed'),
          );
      },
      unloaded: (docId) => {
        const workflowId = workflowOf(docId);
        if (workflowId !== undefined && !rooms.peek(workflowId)) this.states.delete(workflowId);
      },
    });
  }

  /** The workflow's mode, read once and cached. */
  ensure(workflowId: string): Promise<ModeState> {
    const known = this.states.get(workflowId);
    return known ? Promise.resolve(known) : this.load(workflowId);
  }

  /** The cached mode, if known. */
  get(workflowId: string): ModeState | undefined {
    return this.states.get(workflowId);
  }

  mayWrite(workflowId: string, userId: string, role: Role): boolean {
    if (!can(role, 'edit')) return false;
    const state = this.states.get(workflowId);
    if (!state) {
      this.load(workflowId).catch((error: unknown) =>
        this.logger.warn({ err: error, workflowId }, 'reading the edit mode failed'),
      );
      return false;
    }
    return allows(state, userId, role);
  }

  /**
   * The mode as stored now (for REST, which must not act on a stale cache);
   * passed on to the cache when this instance follows that workflow.
   */
  async fresh(workflowId: string): Promise<ModeState> {
    const state = await this.options.store.get(workflowId);
    if (this.states.has(workflowId) || this.rooms?.peek(workflowId)) this.apply(state);
    return state;
  }

  /** Whether this instance follows the workflow's mode (it is cached). */
  follows(workflowId: string): boolean {
    return this.states.has(workflowId);
  }

  /**
   * Takes a state if it is newer than the cached one: the cache first (the
   * next frame is judged by it), then the loaded room re-judges its members,
   * then the room is shown the mode. Answers whether it was newer.
   */
  apply(next: ModeState): boolean {
    const known = this.states.get(next.workflowId);
    if (known && known.version >= next.version) return false;
    this.states.set(next.workflowId, next);
    try {
      this.rooms?.peek(next.workflowId)?.writeAccessChanged();
    } catch (error) {
      this.logger.error({ err: error, workflowId: next.workflowId }, 'telling the room of a new edit mode failed');
    }
    this.show(next);
    return true;
  }

  /**
   * Re-reads the modes of these workflows (default: every one followed, which
   * is every loaded workflow room and sockets about to join one) and applies
   * the newer ones.
   */
  async refresh(workflowIds?: readonly string[]): Promise<void> {
    const ids = workflowIds ?? [...this.states.keys()];
    if (ids.length === 0) return;
    for (const state of await this.options.store.getMany([...new Set(ids)])) this.apply(state);
  }

  private load(workflowId: string): Promise<ModeState> {
    let loading = this.loading.get(workflowId);
    if (!loading) {
      loading = this.options.store
        .get(workflowId)
        .then((state) => {
          this.apply(state);
          return this.states.get(workflowId) ?? state;
        })
        .finally(() => this.loading.delete(workflowId));
      this.loading.set(workflowId, loading);
    }
    return loading;
  }

  private show(state: ModeState): void {
    try {
      this.showState?.(state);
    } catch (error) {
      this.logger.error({ err: error, workflowId: state.workflowId }, 'showing the edit mode failed');
    }
  }
}

/** Whether the mode lets this member write (its role aside: `role` must already be one that edits). */
export const allows = (state: ModeState, userId: string, role: Role): boolean => {
  if (state.mode === 'locked') return role === 'owner';
  if (state.mode === 'pen') return state.pen?.holder === userId;
  return true;
};

/** The workflow a workflow room belongs to; discussions follow their own rules. */
const workflowOf = (docId: string): string | undefined => {
  const parsed = parseRoomName(docId);
  return parsed?.kind === 'workflow' ? parsed.workflowId : undefined;
};
