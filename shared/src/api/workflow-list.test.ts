import { describe, expect, it } from 'vitest';
import { decodeWorkflowCursor, encodeWorkflowCursor, workflowListQuery } from './workflow-list.ts';

describe('workflow list cursors', () => {
  it('carry the sort key, names with any characters included, and pass the query schema', () => {
    for (const cursor of [
      { sort: 'updated', key: 1_700_000_000_000, id: 'abc' },
      { sort: 'lastRun', key: -1, id: 'x_y-z' },
      { sort: 'failures', key: 12, id: 'w1' },
      { sort: 'name', key: 'naïve “quotes” 🚀 50%_a', id: 'w2' },
    ] as const) {
      const text = encodeWorkflowCursor(cursor);
      expect(workflowListQuery.safeParse({ cursor: text }).success).toBe(true);
      expect(decodeWorkflowCursor(text, cursor.sort)).toEqual(cursor);
    }
  });

  it('refuse a cursor of another sort, a forged one, and a key of the wrong kind', () => {
    const byName = encodeWorkflowCursor({ sort: 'name', key: 'a', id: 'w' });
    expect(decodeWorkflowCursor(byName, 'updated')).toBeUndefined();
    expect(decodeWorkflowCursor('name.zz', 'name')).toBeUndefined();
    expect(decodeWorkflowCursor('name.00', 'name')).toBeUndefined();
    // A number where the name sort wants text, and text where a number sort wants one.
    expect(decodeWorkflowCursor(encodeWorkflowCursor({ sort: 'name', key: 5, id: 'w' }), 'name')).toBeUndefined();
    expect(
      decodeWorkflowCursor(encodeWorkflowCursor({ sort: 'updated', key: 'x', id: 'w' }), 'updated'),
    ).toBeUndefined();
    // An id that is not one.
    expect(
      decodeWorkflowCursor(encodeWorkflowCursor({ sort: 'updated', key: 1, id: '../etc' }), 'updated'),
    ).toBeUndefined();
  });

  it('still read the first cursors (<updatedAt>:<id>) for the default sort only', () => {
    expect(decodeWorkflowCursor('1700:abc', 'updated')).toEqual({ sort: 'updated', key: 1700, id: 'abc' });
    expect(decodeWorkflowCursor('1700:abc', 'name')).toBeUndefined();
  });

  it('take a repeated tag as a list, at most 10', () => {
    expect(workflowListQuery.parse({ tag: 'a' }).tag).toEqual(['a']);
    expect(workflowListQuery.parse({ tag: ['a', 'b'] }).tag).toEqual(['a', 'b']);
    expect(workflowListQuery.safeParse({ tag: Array.from({ length: 11 }, (_, i) => `t${i}`) }).success).toBe(false);
    expect(workflowListQuery.parse({ active: 'false' }).active).toBe(false);
  });
});
