import { describe, expect, it } from 'vitest';
import { handlesWithData, parseFingerprints, scopeOf } from './partial-runs.ts';

describe('reading stored runs for a partial plan', () => {
  it('finds the top-level handles with items, whatever the items hold', () => {
    expect(handlesWithData('{"main":[{"json":{"a":1}}],"false":[]}')).toEqual(['main']);
    expect(handlesWithData('{"true":[],"false":[{"json":{"x":"],\\"main\\":[1"}}]}')).toEqual(['false']);
    expect(handlesWithData('{"a\\"b":[{"json":{"main":[],"l":[[]]}}],"c":[]}')).toEqual(['a"b']);
    expect(handlesWithData('{}')).toEqual([]);
    expect(handlesWithData('not json')).toEqual([]);
  });

  it('reads fingerprints and scopes as stored, anything else as none', () => {
    expect(parseFingerprints('{"a":"f"}')).toEqual({ a: 'f' });
    expect(parseFingerprints('{"a":1}')).toEqual({});
    expect(parseFingerprints('{')).toEqual({});
    expect(parseFingerprints(null)).toEqual({});
    expect(scopeOf('step')).toBe('step');
    expect(scopeOf('sideways')).toBeNull();
    expect(scopeOf(null)).toBeNull();
  });
});
