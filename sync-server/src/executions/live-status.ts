import type { NodeEventMessage } from '#shared/protocol/engine.ts';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import type { ExecutionLiveStatus, ServerAwarenessState, TriggerLiveState } from '#shared/protocol/live.ts';
import type { RoomManager } from '../rooms/room-manager.ts';

/**
 * Live run status for everyone in a workflow's room, through the room's
 * awareness: the server's own awareness state carries the latest execution
 * and each node's status, so every client (the stock y-websocket one too)
 * receives a change the moment the engine reports it. It also carries the
 * workflow's trigger state (active, published version), so when one person
 * activates a workflow everyone's toolbar says so. The shape is the shared
 * contract in shared/src/protocol/live.ts, which clients parse.
 */

export class LiveStatus {
  private readonly latest = new Map<string, ExecutionLiveStatus>();
  private readonly triggers = new Map<string, TriggerLiveState>();
  private readonly testListeners = new Map<string, TestWebhookListenDto>();

  constructor(private readonly rooms: RoomManager) {}

  started(workflowId: string, executionId: string): void {
    this.latest.set(workflowId, { id: executionId, status: 'queued', nodes: {} });
    this.publish(workflowId);
  }

  node(workflowId: string, executionId: string, event: NodeEventMessage): void {
    const current = this.latest.get(workflowId);
    if (current?.id !== executionId) return;
    if (current.status === 'queued') current.status = 'running';
    const before = current.nodes[event.nodeId];
    current.nodes[event.nodeId] = {
      status: event.status,
      runs: event.status === 'running' ? (before?.runs ?? 0) + 1 : (before?.runs ?? 0),
      ...(event.itemsOut ? { itemsOut: event.itemsOut } : before?.itemsOut ? { itemsOut: before.itemsOut } : {}),
      ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
      ...(event.error ? { error: event.error } : {}),
      ...(event.startedAt !== undefined ? { at: event.startedAt + (event.durationMs ?? 0) } : {}),
    };
    this.publish(workflowId);
  }

  finished(workflowId: string, executionId: string, status: ExecutionLiveStatus['status'], error?: string): void {
    const current = this.latest.get(workflowId);
    if (current?.id !== executionId) return;
    current.status = status;
    if (error) current.error = error;
    // Nodes still marked running when the run ended (engine lost, canceled) did not finish.
    for (const node of Object.values(current.nodes))
      if (node.status === 'running' || node.status === 'queued') node.status = 'skipped';
    this.publish(workflowId);
  }

  /** The workflow was published, activated or deactivated. */
  trigger(workflowId: string, state: TriggerLiveState): void {
    this.triggers.set(workflowId, { ...state });
    this.publish(workflowId);
  }

  /** Someone started (a state) or stopped (null) listening for a test event. */
  listening(workflowId: string, state: TestWebhookListenDto | null): void {
    if (state) this.testListeners.set(workflowId, { ...state });
    else this.testListeners.delete(workflowId);
    this.publish(workflowId);
  }

  /** The workflow is gone: nothing of it is kept. */
  forget(workflowId: string): void {
    this.latest.delete(workflowId);
    this.triggers.delete(workflowId);
    this.testListeners.delete(workflowId);
  }

  get(workflowId: string): ExecutionLiveStatus | undefined {
    return this.latest.get(workflowId);
  }

  private publish(workflowId: string): void {
    const room = this.rooms.peek(workflowId);
    if (!room) return;
    const execution = this.latest.get(workflowId);
    const trigger = this.triggers.get(workflowId);
    const listening = this.testListeners.get(workflowId);
    const state: ServerAwarenessState = {
      server: true,
      ...(execution ? { execution: structuredClone(execution) } : {}),
      ...(trigger ? { trigger: { ...trigger } } : {}),
      ...(listening ? { testWebhook: { ...listening } } : {}),
    };
    room.awareness.setLocalState(state);
  }
}
