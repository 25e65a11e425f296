import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RoomManager } from '../rooms/room-manager.ts';
import { CHILD_WRITE_MS, LiveStatus } from './live-status.ts';

/** A sub-workflow's progress on its caller's node (docs/plans/n8n-daily.md §6.3): throttled, the last always written. */

afterEach(() => {
  vi.useRealTimers();
});

const child = (nodesDone: number, status: 'running' | 'succeeded' = 'running') => ({
  executionId: 'c1',
  workflowId: 'wf-child',
  status,
  nodesDone,
  nodesTotal: 5,
});

describe('LiveStatus.childProgress', () => {
  it('writes at most once per interval per parent node, then the latest; an end at once; node events keep it', () => {
    vi.useFakeTimers();
    let now = 1_000;
    // No room is loaded: nothing is shown, the state is still kept.
    const live = new LiveStatus({ peek: () => undefined } as unknown as RoomManager, undefined, { now: () => now });
    const parent = { workflowId: 'wf', executionId: 'p1', nodeId: 'call' };
    live.started('wf', 'p1', now);
    live.node('wf', 'p1', { nodeId: 'call', name: 'Call', status: 'running', runIndex: 0, startedAt: now });
    const shown = () => live.get('wf')?.nodes.call?.child?.nodesDone;

    live.childProgress(parent, child(0));
    expect(shown()).toBe(0);
    for (let done = 1; done <= 3; done++) live.childProgress(parent, child(done));
    expect(shown()).toBe(0);
    now += CHILD_WRITE_MS;
    vi.advanceTimersByTime(CHILD_WRITE_MS);
    expect(shown()).toBe(3);

    // The parent's own event for the node keeps the child's progress.
    live.node('wf', 'p1', { nodeId: 'call', name: 'Call', status: 'running', runIndex: 0, startedAt: now });
    expect(shown()).toBe(3);

    live.childProgress(parent, child(4));
    live.childProgress(parent, child(5, 'succeeded'), true);
    expect(live.get('wf')?.nodes.call?.child).toEqual(child(5, 'succeeded'));
    // Nothing pending is written over it later.
    vi.advanceTimersByTime(CHILD_WRITE_MS * 2);
    expect(live.get('wf')?.nodes.call?.child?.status).toBe('succeeded');
  });

  it('ignores progress for a caller that is not the room’s latest run', () => {
    const live = new LiveStatus({ peek: () => undefined } as unknown as RoomManager);
    live.started('wf', 'p2');
    live.childProgress({ workflowId: 'wf', executionId: 'p1', nodeId: 'call' }, child(1), true);
    expect(live.get('wf')?.nodes).toEqual({});
  });
});
