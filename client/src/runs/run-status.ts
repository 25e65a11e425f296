import type { Awareness } from 'y-protocols/awareness';
import { z } from 'zod';
import {
  executionLiveStatusSchema,
  nodeLiveStatusSchema,
  triggerLiveStateSchema,
  type ExecutionLiveStatus,
  type NodeLiveStatus,
  type TriggerLiveState,
} from '#shared/protocol/live.ts';
import { serverEntry } from './server-entry.ts';

/**
 * The run the server reports in the room (its awareness entry, the contract
 * in shared/src/protocol/live.ts), and whether the workflow is active. Each
 * part is parsed on its own, and each node too: a malformed node entry is
 * dropped, not the run. Node statuses keep their object while unchanged, so a
 * node badge re-renders only when its own status moves.
 */

export type RunNodeStatus = NodeLiveStatus['status'];

/** Without `at`: nothing here shows it, and a newer `at` alone should not re-render a badge. */
const nodeRunSchema = nodeLiveStatusSchema.omit({ at: true });
export type NodeRun = z.infer<typeof nodeRunSchema>;

export type LiveExecution = Omit<ExecutionLiveStatus, 'nodes'>;

/** Whether webhooks and schedules run, and which version they run (as the server last announced it). */
export type LiveTrigger = TriggerLiveState;

/** The execution with its nodes still unread, so that one bad node entry costs only itself. */
const executionHeadSchema = executionLiveStatusSchema.extend({ nodes: z.record(z.string(), z.unknown()) });

const sameRun = (a: NodeRun | undefined, b: NodeRun): boolean =>
  a !== undefined &&
  a.status === b.status &&
  a.runs === b.runs &&
  a.durationMs === b.durationMs &&
  a.error === b.error &&
  a.origin === b.origin &&
  JSON.stringify(a.itemsOut) === JSON.stringify(b.itemsOut) &&
  JSON.stringify(a.child) === JSON.stringify(b.child);

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
    const entry = serverEntry(this.awareness);
    const trigger = triggerLiveStateSchema.safeParse(entry?.trigger);
    const triggerChanged = this.readTrigger(trigger.success ? trigger.data : null);
    const found = executionHeadSchema.safeParse(entry?.execution);
    const next: LiveExecution | null = found.success
      ? {
          id: found.data.id,
          status: found.data.status,
          ...(found.data.error !== undefined ? { error: found.data.error } : {}),
        }
      : null;
    let changed =
      next?.id !== this.execution?.id ||
      next?.status !== this.execution?.status ||
      next?.error !== this.execution?.error;
    if (changed) this.execution = next;
    const nodes = new Map<string, NodeRun>();
    for (const [nodeId, raw] of Object.entries(found.success ? found.data.nodes : {})) {
      const parsed = nodeRunSchema.safeParse(raw);
      if (!parsed.success) continue;
      const run = parsed.data;
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
  private readTrigger(next: LiveTrigger | null): boolean {
    if (next?.active === this.trigger?.active && next?.publishedHash === this.trigger?.publishedHash) return false;
    this.trigger = next;
    return true;
  }
}
