import type { Awareness } from 'y-protocols/awareness';

/**
 * The run the server reports in the room (its awareness state, see
 * sync-server/src/executions/live-status.ts), and whether the workflow is
 * active, read defensively. Node statuses keep their object while unchanged,
 * so a node badge re-renders only when its own status moves.
 */

export type RunNodeStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface NodeRun {
  status: RunNodeStatus;
  runs: number;
  itemsOut?: Record<string, number>;
  durationMs?: number;
  error?: string;
}

export interface LiveExecution {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  error?: string;
}

/** Whether webhooks and schedules run, and which version they run (as the server last announced it). */
export interface LiveTrigger {
  active: boolean;
  publishedHash: string | null;
}

const statuses = new Set(['queued', 'running', 'succeeded', 'failed', 'skipped']);
const execStatuses = new Set(['queued', 'running', 'succeeded', 'failed', 'canceled']);

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const sameRun = (a: NodeRun | undefined, b: NodeRun): boolean =>
  a !== undefined &&
  a.status === b.status &&
  a.runs === b.runs &&
  a.durationMs === b.durationMs &&
  a.error === b.error &&
  JSON.stringify(a.itemsOut) === JSON.stringify(b.itemsOut);

export class RunStatus {
  private execution: LiveExecution | null = null;
  private trigger: LiveTrigger | null = null;
  private nodes = new Map<string, NodeRun>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.refresh);
    this.refresh();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getExecution = (): LiveExecution | null => this.execution;

  /** Null until someone publishes, activates or deactivates while the room is open. */
  getTrigger = (): LiveTrigger | null => this.trigger;

  node = (nodeId: string): NodeRun | undefined => this.nodes.get(nodeId);

  destroy(): void {
    this.awareness.off('change', this.refresh);
    this.listeners.clear();
  }

  private readonly refresh = (): void => {
    let found: Record<string, unknown> | undefined;
    let trigger: Record<string, unknown> | undefined;
    for (const state of this.awareness.getStates().values()) {
      const s = record(state);
      if (s?.server === true) {
        found = record(s.execution);
        trigger = record(s.trigger);
      }
    }
    const triggerChanged = this.readTrigger(trigger);
    const id = typeof found?.id === 'string' ? found.id : undefined;
    const status =
      typeof found?.status === 'string' && execStatuses.has(found.status)
        ? (found.status as LiveExecution['status'])
        : undefined;
    const next: LiveExecution | null =
      id && status ? { id, status, ...(typeof found?.error === 'string' ? { error: found.error } : {}) } : null;
    let changed =
      next?.id !== this.execution?.id ||
      next?.status !== this.execution?.status ||
      next?.error !== this.execution?.error;
    if (changed) this.execution = next;
    const nodes = new Map<string, NodeRun>();
    for (const [nodeId, raw] of Object.entries(record(found?.nodes) ?? {})) {
      const n = record(raw);
      if (!n || typeof n.status !== 'string' || !statuses.has(n.status)) continue;
      const itemsOut = record(n.itemsOut);
      const run: NodeRun = {
        status: n.status as RunNodeStatus,
        runs: typeof n.runs === 'number' ? n.runs : 0,
        ...(itemsOut
          ? {
              itemsOut: Object.fromEntries(Object.entries(itemsOut).filter(([, v]) => typeof v === 'number')) as Record<
                string,
                number
              >,
            }
          : {}),
        ...(typeof n.durationMs === 'number' ? { durationMs: n.durationMs } : {}),
        ...(typeof n.error === 'string' ? { error: n.error } : {}),
      };
      const before = this.nodes.get(nodeId);
      if (sameRun(before, run) && before) nodes.set(nodeId, before);
      else {
        nodes.set(nodeId, run);
        changed = true;
      }
    }
    if (nodes.size !== this.nodes.size) changed = true;
    this.nodes = nodes;
    if (changed || triggerChanged) for (const listener of this.listeners) listener();
  };

  /** Keeps the trigger object while its values stay; true when they changed. */
  private readTrigger(raw: Record<string, unknown> | undefined): boolean {
    const next: LiveTrigger | null =
      typeof raw?.active === 'boolean'
        ? { active: raw.active, publishedHash: typeof raw.publishedHash === 'string' ? raw.publishedHash : null }
        : null;
    if (next?.active === this.trigger?.active && next?.publishedHash === this.trigger?.publishedHash) return false;
    this.trigger = next;
    return true;
  }
}
