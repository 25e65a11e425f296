import { describe, expect, it } from 'vitest';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ServerAwarenessState } from '#shared/protocol/live.ts';
import { RunStatus } from './run-status.ts';

/** A client's awareness and the server's entry in it, as the relay would deliver it. */
const room = () => {
  const client = new Awareness(new Y.Doc());
  const server = new Awareness(new Y.Doc());
  const announce = (state: Record<string, unknown>) => {
    server.setLocalState(state);
    applyAwarenessUpdate(client, encodeAwarenessUpdate(server, [server.clientID]), 'server');
  };
  const runs = new RunStatus(client);
  let notified = 0;
  runs.subscribe(() => notified++);
  return {
    client,
    runs,
    announce,
    notified: () => notified,
    destroy: () => {
      runs.destroy();
      [client, server].forEach((a) => a.destroy());
    },
  };
};

const running: ServerAwarenessState = {
  server: true,
  execution: {
    id: 'e1',
    status: 'running',
    nodes: {
      start: { status: 'succeeded', runs: 1, itemsOut: { main: 2 }, durationMs: 3, at: 100 },
      pause: { status: 'running', runs: 1, at: 103 },
    },
  },
};

describe('RunStatus', () => {
  it('reads the run and each node from the server entry, without the freshness stamp', () => {
    const r = room();
    expect(r.runs.getExecution()).toBeNull();
    r.announce(running);
    expect(r.runs.getExecution()).toEqual({ id: 'e1', status: 'running' });
    expect(r.runs.node('start')).toEqual({ status: 'succeeded', runs: 1, itemsOut: { main: 2 }, durationMs: 3 });
    expect(r.runs.node('pause')).toEqual({ status: 'running', runs: 1 });
    expect(r.notified()).toBe(1);
    r.destroy();
  });

  it('keeps a node object while its status stays, so only the moved badge re-renders', () => {
    const r = room();
    r.announce(running);
    const start = r.runs.node('start');
    const pause = r.runs.node('pause');
    // A newer stamp alone is no change.
    r.announce({
      ...running,
      execution: {
        ...running.execution,
        nodes: { ...running.execution?.nodes, start: { ...running.execution?.nodes.start, at: 999 } },
      },
    });
    expect(r.notified()).toBe(1);
    r.announce({
      ...running,
      execution: {
        ...running.execution,
        nodes: { ...running.execution?.nodes, pause: { status: 'succeeded', runs: 1, durationMs: 200, at: 303 } },
      },
    });
    expect(r.notified()).toBe(2);
    expect(r.runs.node('start')).toBe(start);
    expect(r.runs.node('pause')).not.toBe(pause);
    expect(r.runs.node('pause')?.status).toBe('succeeded');
    r.destroy();
  });

  it('drops a malformed node entry and keeps the others', () => {
    const r = room();
    r.announce({
      server: true,
      execution: {
        id: 'e1',
        status: 'running',
        nodes: {
          good: { status: 'succeeded', runs: 1 },
          unknownStatus: { status: 'paused', runs: 1 },
          badItems: { status: 'succeeded', runs: 1, itemsOut: { main: 'two' } },
          notAnObject: 'running',
        },
      },
    });
    expect(r.runs.getExecution()).toEqual({ id: 'e1', status: 'running' });
    expect(r.runs.node('good')).toEqual({ status: 'succeeded', runs: 1 });
    for (const id of ['unknownStatus', 'badItems', 'notAnObject']) expect(r.runs.node(id), id).toBeUndefined();
    r.destroy();
  });

  it('a malformed execution is no execution, and takes its nodes with it', () => {
    const r = room();
    r.announce(running);
    for (const execution of [
      { id: 'e1', status: 'sleeping', nodes: {} },
      { id: 7, status: 'running', nodes: {} },
      { id: 'e1', status: 'running', nodes: 'none' },
      'e1',
    ]) {
      r.announce({ ...running, execution });
      expect(r.runs.getExecution(), JSON.stringify(execution)).toBeNull();
      expect(r.runs.node('start')).toBeUndefined();
    }
    r.destroy();
  });

  it('believes only the server entry', () => {
    const r = room();
    r.client.setLocalState({ ...running, server: false });
    expect(r.runs.getExecution()).toBeNull();
    r.destroy();
  });

  it('keeps the trigger object while its values stay; a malformed one is none', () => {
    const r = room();
    expect(r.runs.getTrigger()).toBeNull();
    r.announce({ server: true, trigger: { active: true, publishedHash: 'h1' } });
    const trigger = r.runs.getTrigger();
    expect(trigger).toEqual({ active: true, publishedHash: 'h1' });
    r.announce({ ...running, trigger: { active: true, publishedHash: 'h1' } });
    expect(r.runs.getTrigger()).toBe(trigger);
    r.announce({ server: true, trigger: { active: false, publishedHash: null } });
    expect(r.runs.getTrigger()).toEqual({ active: false, publishedHash: null });
    r.announce({ server: true, trigger: { active: 'yes', publishedHash: 'h1' } });
    expect(r.runs.getTrigger()).toBeNull();
    r.destroy();
  });
});
