import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ModeDto } from '#shared/api/modes.ts';
import { EditModeWatch, modeAllows } from './edit-mode.ts';

const locked: ModeDto = { mode: 'locked', reason: 'incident #42', setBy: 'ann', setAt: 1, pen: null };
const pen = (holder: string | null): ModeDto => ({
  mode: 'pen',
  reason: null,
  setBy: 'ann',
  setAt: 1,
  pen: { holder, since: 1, idleReleaseAt: null, requests: [] },
});

describe('the edit mode in the editor', () => {
  it('lets owners write while locked, and only the holder while in pen mode', () => {
    expect(modeAllows(null, 'ben', 'editor')).toBe(true);
    expect(modeAllows(locked, 'ben', 'editor')).toBe(false);
    expect(modeAllows(locked, 'ann', 'owner')).toBe(true);
    expect(modeAllows(pen('ben'), 'ben', 'editor')).toBe(true);
    expect(modeAllows(pen('ben'), 'ann', 'owner')).toBe(false);
    expect(modeAllows(pen(null), 'ann', 'owner')).toBe(false);
  });

  it("reads the server's awareness entry, ignores a malformed mode, and keeps the object while it stays the same", () => {
    const doc = new Y.Doc();
    const server = new Awareness(new Y.Doc());
    const room = new Awareness(doc);
    const watch = new EditModeWatch(room);
    let calls = 0;
    watch.subscribe(() => (calls += 1));
    const announce = (state: Record<string, unknown>) => {
      server.setLocalState({ server: true, ...state });
      room.states.set(server.clientID, server.getLocalState() ?? {});
      room.emit('change', [{ added: [], updated: [server.clientID], removed: [] }, 'remote']);
    };
    announce({ mode: locked });
    const first = watch.get();
    expect(first).toEqual(locked);
    announce({ mode: locked, execution: undefined });
    expect(watch.get()).toBe(first);
    announce({ mode: { mode: 'locked', reason: 5 } });
    expect(watch.get()).toBeNull();
    expect(calls).toBe(2);
  });
});
