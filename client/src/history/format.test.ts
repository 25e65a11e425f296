import { describe, expect, it } from 'vitest';
import type { VersionDto } from '#shared/api/versions.ts';
import { describeChange, fieldLabel, groupByDay, lineDiff, setParameters, shortValue, versionTitle } from './format.ts';

const version = (id: string, at: Date, extra: Partial<VersionDto> = {}): VersionDto => ({
  id,
  name: null,
  kind: 'auto',
  createdAt: at.getTime(),
  createdBy: null,
  authors: [],
  hash: 'h'.repeat(64),
  ...extra,
});

describe('versions by day', () => {
  const now = new Date(2026, 11, 4, 9, 30);

  it('keeps the order and splits at local midnight into Today, Yesterday and dates', () => {
    const groups = groupByDay(
      [
        version('a', new Date(2026, 11, 4, 9, 0)),
        version('b', new Date(2026, 11, 4, 0, 1)),
        version('c', new Date(2026, 11, 3, 23, 59)),
        version('d', new Date(2026, 11, 1, 12, 0)),
        version('e', new Date(2025, 11, 31, 12, 0)),
      ],
      now,
    );
    expect(groups.map((g) => [g.label, g.versions.map((v) => v.id)])).toEqual([
      ['Today', ['a', 'b']],
      ['Yesterday', ['c']],
      ['Tuesday, December 1', ['d']],
      ['Wednesday, December 31, 2025', ['e']],
    ]);
  });

  it('is empty for no versions', () => {
    expect(groupByDay([], now)).toEqual([]);
  });

  it('titles an entry by its name, else by its kind', () => {
    expect(versionTitle({ kind: 'named', name: 'before the CRM switch' })).toBe('before the CRM switch');
    expect(versionTitle({ kind: 'auto', name: null })).toBe('Edits');
    expect(versionTitle({ kind: 'restore', name: null })).toBe('Restored an earlier version');
  });
});

describe('changed values', () => {
  it('labels a parameter as the inspector does, and other fields in words', () => {
    expect(fieldLabel('parameters.url', 'httpRequest')).toBe('URL');
    expect(fieldLabel('parameters.someThing', 'noSuchType')).toBe('Some thing');
    expect(fieldLabel('settings.retryOnFail', 'httpRequest')).toBe('Retry on fail (setting)');
    expect(fieldLabel('name')).toBe('Workflow name');
    expect(fieldLabel('notes', 'noOp')).toBe('Notes');
  });

  it('shows values on one line and cuts the middle out of long ones', () => {
    expect(shortValue('https://a.example')).toBe('https://a.example');
    expect(shortValue(undefined)).toBe('(none)');
    expect(shortValue('')).toBe('(empty)');
    expect(shortValue({ a: 1 })).toBe('{"a":1}');
    expect(shortValue('a\n  b')).toBe('a b');
    const long = `https://api.example.com/${'x'.repeat(100)}/items/42`;
    const short = shortValue(long, 40);
    expect(short).toHaveLength(40);
    expect(short.startsWith('https://api.example.com')).toBe(true);
    expect(short.endsWith('/items/42')).toBe(true);
    expect(short).toContain('…');
  });

  it('diffs multi-line text by lines, with a line of context each side', () => {
    expect(lineDiff('one', 'two')).toBeNull();
    expect(lineDiff('a\nb\nc\nd', 'a\nb\nC\nd')).toEqual([
      { op: ' ', text: 'b' },
      { op: '-', text: 'c' },
      { op: '+', text: 'C' },
      { op: ' ', text: 'd' },
    ]);
    expect(lineDiff(undefined, 'x\ny')).toEqual([
      { op: '+', text: 'x' },
      { op: '+', text: 'y' },
    ]);
    expect(lineDiff('a\nb', 'a\nb\nc')).toEqual([
      { op: ' ', text: 'b' },
      { op: '+', text: 'c' },
    ]);
  });

  it('describes a URL change as "URL: before → after"', () => {
    expect(
      describeChange(
        { path: 'parameters.url', before: 'https://a.example', after: 'https://b.example' },
        'httpRequest',
      ),
    ).toEqual({ label: 'URL', before: 'https://a.example', after: 'https://b.example', lines: null });
  });

  it('lists only the parameters that differ from the defaults', () => {
    expect(
      setParameters('httpRequest', { method: 'GET', url: 'https://a.example', sendQuery: false, custom: 1 }),
    ).toEqual([
      ['url', 'https://a.example'],
      ['custom', 1],
    ]);
    expect(setParameters('httpRequest', { method: 'POST' })).toEqual([['method', 'POST']]);
  });
});
