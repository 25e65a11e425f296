import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ModeDto } from '#shared/api/modes.ts';
import { HeldChanges, roomVerdict, type Verdict } from './held-changes.ts';

const locked: ModeDto = { mode: 'locked', reason: null, setBy: 'ann', setAt: 1, pen: null };

/** A document with its held-changes count, the verdict set by the test. */
const setup = (initial: Verdict) => {
  const doc = new Y.Doc();
  let verdict = initial;
  const held = new HeldChanges(doc, () => verdict);
  const edit = (text: string) => doc.getMap('nodes').set(text, text);
  const judge = (next: Verdict) => {
    verdict = next;
    held.recheck();
  };
  return { doc, held, edit, judge };
};

describe('changes held back for the edit mode', () => {
  it('counts local changes made while the mode denies writing, and none once it allows', () => {
    const { held, edit, judge } = setup('accepted');
    edit('a');
    expect(held.count()).toBe(0);
    judge('held');
    edit('b');
    edit('c');
    expect(held.count()).toBe(2);
    // Allowed again: the server asks for what it lacks and they merge.
    judge('accepted');
    expect(held.count()).toBe(0);
  });

  it('holds changes made offline once the mode, known again, denies writing; forgets them if it allows', () => {
    const { held, edit, judge } = setup('unknown');
    edit('offline 1');
    edit('offline 2');
    expect(held.count()).toBe(0);
    judge('held');
    expect(held.count()).toBe(2);
    judge('unknown');
    edit('offline 3');
    judge('accepted');
    expect(held.count()).toBe(0);
    judge('held');
    expect(held.count()).toBe(0);
  });

  it('ignores what arrives from elsewhere (the server, the stored copy) and tells its listeners on a change', () => {
    const { doc, held, judge } = setup('held');
    let calls = 0;
    held.subscribe(() => (calls += 1));
    const other = new Y.Doc();
    other.getMap('nodes').set('theirs', 1);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), 'provider');
    expect(held.count()).toBe(0);
    doc.getMap('nodes').set('mine', 1);
    judge('held');
    expect(held.count()).toBe(1);
    expect(calls).toBe(1);
    held.destroy();
    doc.getMap('nodes').set('after', 1);
    expect(held.count()).toBe(1);
  });

  it("judges from the connection and the server's awareness entry", () => {
    const doc = new Y.Doc();
    const server = new Awareness(new Y.Doc());
    const room = new Awareness(doc);
    const provider = { awareness: room, wsconnected: true, synced: true };
    const announce = (state: Record<string, unknown>) => {
      server.setLocalState({ server: true, ...state });
      room.states.set(server.clientID, server.getLocalState() ?? {});
    };
    let role: 'owner' | 'editor' | undefined = 'editor';
    const verdict = roomVerdict(provider, 'ben', () => role);
    expect(verdict()).toBe('unknown');
    announce({});
    expect(verdict()).toBe('accepted');
    announce({ mode: locked });
    expect(verdict()).toBe('held');
    role = 'owner';
    expect(verdict()).toBe('accepted');
    role = undefined;
    expect(verdict()).toBe('unknown');
    role = 'editor';
    announce({ mode: { mode: 'locked', reason: 5 } });
    expect(verdict()).toBe('unknown');
    announce({ mode: locked });
    provider.synced = false;
    expect(verdict()).toBe('unknown');
  });
});
