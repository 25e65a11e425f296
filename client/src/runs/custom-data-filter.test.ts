import { describe, expect, it } from 'vitest';
import { customDataEntries, customFilterQuery } from './custom-data-filter.ts';

describe('customFilterQuery', () => {
  it.each([
    ['', 'x', { query: '' }],
    ['  ', 'x', { query: '' }],
    ['region', 'eu', { query: '&custom=region%3Aeu' }],
    [' region ', 'a:b & c', { query: '&custom=region%3Aa%3Ab%20%26%20c' }],
    ['日本', '', { query: `&custom=${encodeURIComponent('日本:')}` }],
    ['a-b', 'x', { problem: 'A key is letters, numbers and underscores' }],
    ['a:b', 'x', { problem: 'A key is letters, numbers and underscores' }],
  ])('%j = %j', (key, value, expected) => {
    expect(customFilterQuery(key, value)).toEqual(expected);
  });
});

describe('customDataEntries', () => {
  it('lists the pairs in the order saved, none for null', () => {
    expect(customDataEntries({ b: '1', a: '2' })).toEqual([
      ['b', '1'],
      ['a', '2'],
    ]);
    expect(customDataEntries(null)).toEqual([]);
    expect(customDataEntries(undefined)).toEqual([]);
  });
});
