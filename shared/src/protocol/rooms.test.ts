import { describe, expect, it } from 'vitest';
import { createId } from '../ids.ts';
import { discussionRoom, parseRoomName, roomsOf } from './rooms.ts';

describe('room names', () => {
  const id = createId();

  it('names the discussion room after its workflow, and parses both forms back', () => {
    expect(discussionRoom(id)).toBe(`${id}/discussion`);
    expect(parseRoomName(id)).toEqual({ workflowId: id, kind: 'workflow' });
    expect(parseRoomName(discussionRoom(id))).toEqual({ workflowId: id, kind: 'discussion' });
    expect(roomsOf(id)).toEqual([id, `${id}/discussion`]);
  });

  it.each([
    ['an empty name', ''],
    ['the suffix alone', '/discussion'],
    ['another suffix', `${id}/comments`],
    ['two suffixes', `${id}/discussion/discussion`],
    ['an encoded slash', `${id}%2Fdiscussion`],
    ['a bad id', 'not an id!/discussion'],
  ])('refuses %s', (_what, name) => {
    expect(parseRoomName(name)).toBeUndefined();
  });
});
