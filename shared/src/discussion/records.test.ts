import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../ids.ts';
import {
  createDiscussionId,
  DISCUSSION_ID_LENGTH,
  MAX_BODY_LENGTH,
  MAX_LABEL_LENGTH,
  parseComment,
  parseStatus,
  parseThread,
} from './records.ts';

const thread = { v: 1, id: 't1', anchor: { kind: 'workflow' }, createdBy: 'ada', createdAt: 1 };
const comment = { v: 1, id: 'c1', threadId: 't1', author: 'ada', body: 'hi', createdAt: 1 };

describe('discussion records', () => {
  it('makes 21-character ids within ID_PATTERN', () => {
    const id = createDiscussionId();
    expect(id).toHaveLength(DISCUSSION_ID_LENGTH);
    expect(ID_PATTERN.test(id)).toBe(true);
  });

  it('parses each anchor kind, and edge ids made from endpoints', () => {
    expect(parseThread(thread)).toEqual(thread);
    expect(parseThread({ ...thread, anchor: { kind: 'node', nodeId: 'n1', label: 'Fetch orders' } })).toBeDefined();
    expect(parseThread({ ...thread, anchor: { kind: 'edge', edgeId: 'n1:main>n2:in', label: 'A → B' } })).toBeDefined();
    expect(parseThread({ ...thread, anchor: { kind: 'edge', edgeId: 'n1>n2', label: '' } })).toBeUndefined();
    expect(parseThread({ ...thread, anchor: { kind: 'canvas' } })).toBeUndefined();
  });

  it('is strict: unknown keys, wrong versions and bad ids do not parse', () => {
    expect(parseThread({ ...thread, extra: 1 })).toBeUndefined();
    expect(parseThread({ ...thread, anchor: { kind: 'workflow', x: 1 } })).toBeUndefined();
    expect(parseThread({ ...thread, v: 2 })).toBeUndefined();
    expect(parseThread({ ...thread, id: 'a b' })).toBeUndefined();
    expect(parseComment({ ...comment, createdBy: 'ada' })).toBeUndefined();
    expect(parseStatus({ resolved: true, by: 'ada', at: 1, deleted: false })).toBeUndefined();
    expect(parseStatus({ resolved: true, by: 'ada', at: 1, deleted: true })).toBeDefined();
  });

  it('bounds the body and labels', () => {
    expect(parseComment({ ...comment, body: 'x'.repeat(MAX_BODY_LENGTH) })).toBeDefined();
    expect(parseComment({ ...comment, body: 'x'.repeat(MAX_BODY_LENGTH + 1) })).toBeUndefined();
    const node = (label: string): unknown => ({ ...thread, anchor: { kind: 'node', nodeId: 'n1', label } });
    expect(parseThread(node('x'.repeat(MAX_LABEL_LENGTH)))).toBeDefined();
    expect(parseThread(node('x'.repeat(MAX_LABEL_LENGTH + 1)))).toBeUndefined();
  });

  it('takes a tombstone only whole: empty body, deletedAt and deletedBy', () => {
    expect(parseComment({ ...comment, body: '', deletedAt: 2, deletedBy: 'ada' })).toBeDefined();
    expect(parseComment({ ...comment, deletedAt: 2, deletedBy: 'ada' })).toBeUndefined();
    expect(parseComment({ ...comment, body: '', deletedAt: 2 })).toBeUndefined();
    expect(parseComment({ ...comment, deletedBy: 'ada' })).toBeUndefined();
  });
});
