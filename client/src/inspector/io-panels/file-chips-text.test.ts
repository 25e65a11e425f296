import { describe, expect, it } from 'vitest';
import { chipsOf, downloadUrl, formatBytes } from './file-chips-text.ts';

describe('file chips', () => {
  it('sizes read as n8n writes them (decimal, three significant digits)', () => {
    expect([0, 999, 1000, 1234, 12_345, 1_234_567, 5_000_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1 kB',
      '1.23 kB',
      '12.3 kB',
      '1.23 MB',
      '5 GB',
    ]);
  });

  it('one chip per file: its name (or its key and extension), type and size; what is not a file is left out', () => {
    const chips = chipsOf(
      {
        data: { data: 'aGVsbG8=', mimeType: 'text/plain', fileName: 'hello.txt', bytes: 5 },
        raw: { data: 'AAECAw==', mimeType: 'application/octet-stream', fileExtension: 'bin' },
        junk: { mimeType: 'text/plain' },
        alsoJunk: 'text',
      },
      7,
    );
    expect(chips).toEqual([
      { item: 7, key: 'data', name: 'hello.txt', mimeType: 'text/plain', size: '5 B' },
      { item: 7, key: 'raw', name: 'raw.bin', mimeType: 'application/octet-stream', size: '4 B' },
    ]);
    expect(chipsOf(undefined, 0)).toEqual([]);
    expect(chipsOf([{ data: 'x' }], 0)).toEqual([]);
  });

  it('the download URL names the run, side, handle, item and key, encoded', () => {
    const url = downloadUrl(
      { executionId: 'ex 1', nodeId: 'n1', run: 2, side: 'input', handle: 'main' },
      { item: 3, key: 'a&b' },
    );
    expect(url).toBe('/api/executions/ex%201/binary?node=n1&run=2&side=input&handle=main&item=3&key=a%26b');
  });
});
