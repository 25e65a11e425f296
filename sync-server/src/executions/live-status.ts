import type { NodeEventMessage } from '#shared/protocol/engine.ts';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import type { ModeDto } from '#shared/api/modes.ts';
import { silentLogger, type Logger } from '#shared/log.ts';
import type { ExecutionMode } from './execution-store.ts';
import type { ChildLiveStatus, ExecutionLiveStatus, TriggerLiveState } from '#shared/protocol/live.ts';
import { parseRoomName } from '#shared/protocol/rooms.ts';
import type { RoomBus, RoomMessage } from '../cluster/room-bus.ts';
import { liveAwareness, mergeLive, sameLive, type LiveState } from '../cluster/live-state.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomManager } from '../rooms/room-manager.ts';

/**
 * Live run status for everyone in a workflow's room, through the room's
 * awareness: the server's own awareness state carries the latest execution
 * and each node's status, so every client (the stock y-websocket one too)
 * receives a change the moment the engine reports it. It also carries the
 * workflow's trigger state (active, published version), so when one person
 * activates a workflow everyone's toolbar says so. The shape is the shared
 * contract in shared/src/protocol/live.ts, which clients parse.
 *
 * With a bus (several instances, docs/plans/scale-out.md §5.7) each change
 * also goes to the other instances as the whole state (`{t:'live'}` on the
 * document's channel) and is saved on the bus for rooms that load later;
 * every instance merges what it hears (live-state.ts: a register per field,
 * so order and duplicates do not matter) and shows the merge in its own
 * server entry. Without a bus nothing leaves this process.
 */
/** A parent node's child progress is written at most this often. */
export const CHILD_WRITE_MS = 100;

/** Called when a run ends (its end is committed); must not throw. */
/** `mode` when the caller knows it (the engine hub, from the job), so a listener need not read the row. */
export type FinishedListener = (
  executionId: string,
  status: ExecutionLiveStatus['status'],
  mode?: ExecutionMode,
) => void;

export class LiveStatus {
  private readonly states = new Map<string, LiveState>();
  /**
   * Each workflow's edit mode as this instance enforces it (modes/edit-policy.ts):
   * shown beside the live state, never sent on the bus, since every instance
   * fills it from its own policy (docs/plans/collaboration.md §10).
   */
  private readonly modes = new Map<string, ModeDto>();
  /** Per loaded room (with a bus): its live subscription, resolved to the unsubscribe. */
  private readonly subscriptions = new Map<string, { room: Room; leave: Promise<(() => Promise<void>) | undefined> }>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly finishedListeners = new Set<FinishedListener>();

  constructor(
    private readonly rooms: RoomManager,
    private readonly bus?: RoomBus,
    options: { logger?: Logger; now?: () => number } = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    if (!bus) return;
    rooms.watch({
      loaded: (room) => this.roomLoaded(room),
      unloaded: (docId, room) => this.roomUnloaded(docId, room),
    });
    // Messages may have been lost while the bus was away: the saved states have them.
    bus.onReconnect(() => {
      for (const docId of this.subscriptions.keys()) void this.refresh(docId);
    });
  }

  /** `createdAt` is the execution row's: it orders executions across instances. `partial`: a scoped run's scope. */
  started(
    workflowId: string,
    executionId: string,
    createdAt: number = this.now(),
    partial?: Pick<ExecutionLiveStatus, 'scope' | 'destination' | 'base'>,
  ): void {
    this.write(workflowId, {
      v: 1,
      execution: { createdAt, version: 0, value: { id: executionId, status: 'queued', nodes: {}, ...partial } },
    });
  }

  node(workflowId: string, executionId: string, event: NodeEventMessage): void {
    const register = this.states.get(workflowId)?.execution;
    if (register?.value.id !== executionId) return;
    const current = structuredClone(register.value);
    if (current.status === 'queued') current.status = 'running';
    const before = current.nodes[event.nodeId];
    current.nodes[event.nodeId] = {
      status: event.status,
      runs: event.status === 'running' ? (before?.runs ?? 0) + 1 : (before?.runs ?? 0),
      ...(event.itemsOut ? { itemsOut: event.itemsOut } : before?.itemsOut ? { itemsOut: before.itemsOut } : {}),
      ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
      ...(event.error ? { error: event.error } : {}),
      ...(event.startedAt !== undefined ? { at: event.startedAt + (event.durationMs ?? 0) } : {}),
      ...(event.origin ? { origin: event.origin } : {}),
      // The sub-workflow's progress stays with the node through its own events.
      ...(before?.child ? { child: before.child } : {}),
    };
    this.write(workflowId, { v: 1, execution: { ...register, version: register.version + 1, value: current } });
  }

  /** Latest child progress per parent node, and when it was last written (childProgress's throttle). */
  private readonly childWrites = new Map<
    string,
    { at: number; pending: ChildLiveStatus | undefined; timer: ReturnType<typeof setTimeout> | undefined }
  >();

  /**
   * A sub-workflow run's progress on its caller's Execute Workflow node, in the caller's room: at most one
   * write per CHILD_WRITE_MS per parent node (a busy child sends hundreds of events a second), the last one
   * always written. `final` (the child ended) is written at once.
   */
  childProgress(
    parent: { workflowId: string; executionId: string; nodeId: string },
    child: ChildLiveStatus,
    final = false,
  ): void {
    const key = `${parent.executionId}\u0000${parent.nodeId}`;
    const entry = this.childWrites.get(key) ?? { at: Number.NEGATIVE_INFINITY, pending: undefined, timer: undefined };
    this.childWrites.set(key, entry);
    entry.pending = child;
    const flush = () => {
      entry.timer = undefined;
      const latest = entry.pending;
      entry.pending = undefined;
      entry.at = this.now();
      if (latest) this.writeChild(parent, latest);
      if (final) this.childWrites.delete(key);
    };
    const wait = entry.at + CHILD_WRITE_MS - this.now();
    if (final || wait <= 0) {
      clearTimeout(entry.timer);
      flush();
    } else entry.timer ??= setTimeout(flush, wait);
  }

  private writeChild(
    parent: { workflowId: string; executionId: string; nodeId: string },
    child: ChildLiveStatus,
  ): void {
    const register = this.states.get(parent.workflowId)?.execution;
    if (register?.value.id !== parent.executionId) return;
    const current = structuredClone(register.value);
    const node = current.nodes[parent.nodeId] ?? { status: 'running' as const, runs: 1 };
    current.nodes[parent.nodeId] = { ...node, child: { ...child } };
    this.write(parent.workflowId, { v: 1, execution: { ...register, version: register.version + 1, value: current } });
  }

  /** Hears every run's end on this instance, whoever shows it (metrics count them); returns the unsubscribe. */
  onFinished(listener: FinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  finished(
    workflowId: string,
    executionId: string,
    status: ExecutionLiveStatus['status'],
    error?: string,
    mode?: ExecutionMode,
  ): void {
    for (const listener of this.finishedListeners) listener(executionId, status, mode);
    const register = this.states.get(workflowId)?.execution;
    if (register?.value.id !== executionId) return;
    const current = structuredClone(register.value);
    current.status = status;
    if (error) current.error = error;
    // Nodes still marked running when the run ended (engine lost, canceled) did not finish.
    for (const node of Object.values(current.nodes))
      if (node.status === 'running' || node.status === 'queued') node.status = 'skipped';
    this.write(workflowId, { v: 1, execution: { ...register, version: register.version + 1, value: current } });
  }

  /** The workflow was published, activated or deactivated. */
  trigger(workflowId: string, state: TriggerLiveState): void {
    const at = this.after(this.states.get(workflowId)?.trigger?.at);
    this.write(workflowId, { v: 1, trigger: { at, value: { ...state } } });
  }

  /** Someone started (a state) or stopped (null) listening for a test event. */
  listening(workflowId: string, state: TestWebhookListenDto | null): void {
    const at = this.after(this.states.get(workflowId)?.testWebhook?.at);
    this.write(workflowId, { v: 1, testWebhook: { at, value: state ? { ...state } : null } });
  }

  /** The workflow's edit mode changed, or its room loaded (null: never switched, nothing to show). */
  mode(workflowId: string, mode: ModeDto | null): void {
    if (mode) this.modes.set(workflowId, mode);
    else if (!this.modes.delete(workflowId)) return;
    this.show(workflowId);
  }

  /** The workflow is gone: nothing of it is kept. */
  forget(workflowId: string): void {
    this.states.delete(workflowId);
    this.modes.delete(workflowId);
    this.bus?.forgetLive(workflowId);
  }

  get(workflowId: string): ExecutionLiveStatus | undefined {
    return this.states.get(workflowId)?.execution?.value;
  }

  /** A writer's time for a register: past the value it replaces, so its own write always wins here. */
  private after(known: number | undefined): number {
    return Math.max(this.now(), (known ?? Number.NEGATIVE_INFINITY) + 1);
  }

  private write(workflowId: string, change: LiveState): void {
    const state = mergeLive(this.states.get(workflowId), change);
    this.states.set(workflowId, state);
    this.show(workflowId);
    if (!this.bus) return;
    this.bus.publish(workflowId, { t: 'live', from: this.bus.instanceId, state });
    this.bus.saveLive(workflowId, state);
  }

  /** Merges news from elsewhere; the room shows it if it changed anything. */
  private hear(workflowId: string, news: LiveState | undefined): void {
    if (!news) return;
    const before = this.states.get(workflowId);
    const state = mergeLive(before, news);
    if (sameLive(before, state)) return;
    this.states.set(workflowId, state);
    this.show(workflowId);
  }

  private show(workflowId: string): void {
    const room = this.rooms.peek(workflowId);
    const state = this.states.get(workflowId);
    const mode = this.modes.get(workflowId);
    if (!room || (!state && !mode)) return;
    room.awareness.setLocalState({
      ...(state ? liveAwareness(state) : { server: true }),
      ...(mode ? { mode: structuredClone(mode) } : {}),
    });
  }

  /** Listens first, then reads the saved states: nothing published in between is missed (as rooms do, §5.4). */
  private roomLoaded(room: Room): void {
    const { bus } = this;
    const docId = room.docId;
    // Runs belong to the workflow's own room; its discussion carries no live status.
    if (!bus || parseRoomName(docId)?.kind !== 'workflow') return;
    const leave = bus
      .subscribe(docId, (message: RoomMessage) => {
        if (message.t === 'live') this.hear(docId, message.state);
      })
      .then(
        async (unsubscribe) => {
          this.show(docId);
          await this.refresh(docId);
          return unsubscribe;
        },
        (error: unknown) => {
          this.logger.warn({ err: error, docId }, 'listening for live status failed');
          return undefined;
        },
      );
    this.subscriptions.set(docId, { room, leave });
  }

  private roomUnloaded(docId: string, room: Room): void {
    const entry = this.subscriptions.get(docId);
    if (entry?.room !== room) return;
    this.subscriptions.delete(docId);
    entry.leave
      .then((unsubscribe) => unsubscribe?.())
      .catch((error: unknown) => this.logger.warn({ err: error, docId }, 'leaving live status failed'));
  }

  private async refresh(docId: string): Promise<void> {
    try {
      this.hear(docId, await this.bus?.loadLive(docId));
    } catch (error) {
      this.logger.warn({ err: error, docId }, 'reading the saved live status failed');
    }
  }
}
