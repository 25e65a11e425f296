import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '#shared/runs/items.ts';
import { definition, edge, node, run, runNode } from './harness.ts';

/**
 * Read/Write Files (n8n's readWriteFile 1, 1.1) in the files folder only (docs/SECURITY.md › The files folder):
 * the escape table, then reading one file, globbing many, writing and appending as n8n does.
 */

let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'weft-files-'));
  root = join(base, 'files');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'reports', 'deep'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
  writeFileSync(join(root, 'hello.txt'), 'hello, file');
  writeFileSync(join(root, 'reports', 'a.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, 'reports', 'b.csv'), 'c\n3\n');
  writeFileSync(join(root, 'reports', 'deep', 'c.csv'), 'deep\n');
  writeFileSync(join(root, 'reports', 'data.json'), '{"x":1}');
  writeFileSync(join(root, 'reports', 'odd[1].txt'), 'brackets');
  writeFileSync(join(root, 'README'), 'no extension');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(outside, join(root, 'dir-out'));
  symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'));
  symlinkSync(join(outside, 'new.txt'), join(root, 'write-link.txt'));
  execFileSync('mkfifo', [join(root, 'pipe.txt')]);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const read = (fileSelector: string, extra: Record<string, unknown> = {}, items: Item[] = [{ json: {} }]) =>
  runNode('readWriteFile', { operation: 'read', fileSelector, ...extra }, items, { filesDir: root });

const fileItem = (text: string, json: Record<string, unknown> = {}): Item => ({
  json,
  binary: { data: { data: Buffer.from(text).toString('base64'), mimeType: 'text/plain', fileName: 'x.txt' } },
});

const write = (fileName: string, extra: Record<string, unknown> = {}, items: Item[] = [fileItem('written')]) =>
  runNode('readWriteFile', { operation: 'write', fileName, ...extra }, items, { filesDir: root });

describe('Read/Write Files: escapes are refused', () => {
  const escapes: [string, () => Promise<unknown>, RegExp][] = [
    ['.. out of the folder', () => read('../outside/secret.txt'), /is outside the files folder/],
    ['.. inside a pattern', () => read('reports/../../outside/*.txt'), /is outside the files folder/],
    ['.. that stays inside', () => read('reports/../hello.txt'), /goes up with "\.\."/],
    ['an absolute path outside', () => read(join(outside, 'secret.txt')), /is outside the files folder/],
    ['/etc/passwd', () => read('/etc/passwd'), /is outside the files folder/],
    ['a symbolic link to a file outside', () => read('link-out.txt'), /leads outside the files folder/],
    ['a glob matches no link (out or in)', () => read('link-*.txt'), /No file\(s\) found/],
    ['a symbolic link to a folder outside', () => read('dir-out/secret.txt'), /leads outside the files folder/],
    ['a glob reaching out', () => read('**/secret.txt'), /No file\(s\) found/],
    ['a glob through a linked folder', () => read('dir-out/*'), /No file\(s\) found|leads outside/],
    ['a NUL byte', () => read('hello.txt\0.png'), /has a NUL character/],
    ['a FIFO', () => read('pipe.txt'), /is not a regular file/],
    ['writing out with ..', () => write('../outside/new.txt'), /is outside the files folder/],
    ['writing to an absolute path outside', () => write(join(outside, 'new.txt')), /is outside the files folder/],
    ['writing through a symbolic link', () => write('write-link.txt'), /is a symbolic link/],
    ['writing into a linked folder', () => write('dir-out/new.txt'), /leads outside the files folder/],
    ['writing a NUL byte', () => write('a\0b.txt'), /has a NUL character/],
    ['writing the folder itself', () => write('.'), /names the files folder itself/],
    ['writing to a FIFO', () => write('pipe.txt'), /is not a regular file/],
  ];
  for (const [what, attempt, message] of escapes) {
    it(what, async () => {
      await expect(attempt()).rejects.toThrow(message);
    });
  }

  it('left nothing outside and nothing read from it', () => {
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('SECRET');
  });

  it('an engine without a files folder says how to give it one', async () => {
    await expect(runNode('readWriteFile', { fileSelector: 'x' }, [{ json: {} }])).rejects.toThrow(/no files folder/);
  });
});

describe('Read/Write Files: reading', () => {
  it('one file: its bytes in binary.data, its facts in json, as n8n describes it', async () => {
    const out = await read('hello.txt');
    expect(out.main).toEqual([
      {
        json: {
          mimeType: 'text/plain',
          fileType: 'text',
          fileName: 'hello.txt',
          fileExtension: 'txt',
          fileSize: '11 B',
        },
        binary: {
          data: {
            mimeType: 'text/plain',
            fileType: 'text',
            data: Buffer.from('hello, file').toString('base64'),
            fileName: 'hello.txt',
            fileExtension: 'txt',
            fileSize: '11 B',
            bytes: 11,
          },
        },
      },
    ]);
  });

  it('an absolute path inside the folder, a link that stays inside, a file without extension', async () => {
    const abs = await read(join(root, 'reports', 'data.json'));
    expect(abs.main?.[0]?.binary?.data).toMatchObject({
      mimeType: 'application/json',
      fileType: 'json',
      directory: join(root, 'reports'),
      fileName: 'data.json',
    });
    expect(Buffer.from((await read('link-in.txt')).main?.[0]?.binary?.data?.data ?? '', 'base64').toString()).toBe(
      'hello, file',
    );
    const bare = (await read('README')).main?.[0]?.binary?.data;
    expect(bare).toMatchObject({ mimeType: 'text/plain', fileName: 'README' });
    expect(bare?.fileExtension).toBeUndefined();
  });

  it('a glob: every match, one item each, for each input item; ** goes deeper', async () => {
    const out = await read('reports/*.csv', {}, [{ json: { a: 1 } }, { json: { b: 2 } }]);
    const names = (out.main ?? []).map((i) => [i.binary?.data?.fileName, i.binary?.data?.directory]);
    expect(names.sort()).toEqual([
      ['a.csv', 'reports'],
      ['a.csv', 'reports'],
      ['b.csv', 'reports'],
      ['b.csv', 'reports'],
    ]);
    const deep = await read('reports/**/*.csv');
    expect((deep.main ?? []).map((i) => i.binary?.data?.fileName).sort()).toEqual(['a.csv', 'b.csv', 'c.csv']);
  });

  it('options: the field, file name, extension and MIME type; brackets literal by default', async () => {
    const out = await read('reports/odd[1].txt', {
      dataPropertyName: 'file',
      outputFileName: 'renamed.md',
      fileExtension: 'md',
      mimeType: 'text/markdown',
    });
    expect(out.main?.[0]?.json).toMatchObject({
      fileName: 'renamed.md',
      fileExtension: 'md',
      mimeType: 'text/markdown',
    });
    expect(Object.keys(out.main?.[0]?.binary ?? {})).toEqual(['file']);
    await expect(read('reports/[ab].csv')).rejects.toThrow(/No file\(s\) found/);
    const classes = await read('reports/[ab].csv', { literalBrackets: false });
    expect((classes.main ?? []).map((i) => i.json.fileName).sort()).toEqual(['a.csv', 'b.csv']);
  });

  it('no match: "No file(s) found" (1.1), or nothing (1); with continue, { error } in its place', async () => {
    await expect(read('nothing-*.txt')).rejects.toThrow(/No file\(s\) found/);
    expect((await read('nothing-*.txt', { errorWhenNone: false })).main).toEqual([]);
    const goOn = await runNode(
      'readWriteFile',
      { operation: 'read', fileSelector: '={{ $json.path }}' },
      [{ json: { path: 'hello.txt' } }, { json: { path: '../x' } }],
      { filesDir: root, node: { onError: 'continueRegularOutput' } },
    );
    expect(goOn.main?.map((i) => i.json.fileName ?? i.json.error)).toEqual([
      'hello.txt',
      expect.stringMatching(/is outside the files folder/) as string,
    ]);
  });

  it('a file larger than the node budget (as base64) is refused before it is read', async () => {
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(3000, 1));
    await expect(
      runNode('readWriteFile', { fileSelector: 'big.bin' }, [{ json: {} }], { filesDir: root, maxOutputBytes: 2048 }),
    ).rejects.toThrow(/"big\.bin" is 3,000 bytes, more than the 1,536 a node run may put out/);
  });
});

describe('Read/Write Files: writing', () => {
  it('writes the file, keeps the item and its files, adds fileName', async () => {
    const item = fileItem('first', { keep: true });
    const out = await write('out/new.txt', {}, [item]).catch((e: unknown) => e);
    // The folder it goes in must exist, as in n8n.
    expect(out).toMatchObject({
      message: 'The file or directory does not exist',
      description: '"out" is not in the files folder',
    });
    mkdirSync(join(root, 'out'));
    const done = await write('out/new.txt', {}, [item]);
    expect(readFileSync(join(root, 'out', 'new.txt'), 'utf8')).toBe('first');
    expect(done.main).toEqual([{ json: { keep: true, fileName: 'out/new.txt' }, binary: item.binary }]);
  });

  it('replaces by default, appends with append (creating the file when missing), absolute paths inside work', async () => {
    await write('log.txt', {}, [fileItem('one\n')]);
    await write('log.txt', {}, [fileItem('two\n')]);
    expect(readFileSync(join(root, 'log.txt'), 'utf8')).toBe('two\n');
    await write(join(root, 'log.txt'), { append: true }, [fileItem('three\n'), fileItem('four\n')]);
    expect(readFileSync(join(root, 'log.txt'), 'utf8')).toBe('two\nthree\nfour\n');
    await write('fresh.txt', { append: true }, [fileItem('new')]);
    expect(readFileSync(join(root, 'fresh.txt'), 'utf8')).toBe('new');
  });

  it('an item without the binary field is an error naming it, as n8n words it', async () => {
    await expect(write('x.txt', {}, [{ json: {} }])).rejects.toThrow(
      "This operation expects the node's input data to contain a binary file 'data', but none was found [item 0]",
    );
    await expect(write('x.txt', { dataPropertyName: 'other' })).rejects.toThrow(
      "The item has no binary field 'other' [item 0]",
    );
  });

  it('in a workflow: Code makes a file, Read/Write writes it, reads it back', async () => {
    const def = definition({
      name: 'Round trip',
      nodes: [
        node('Start', 'manualTrigger'),
        node('Make', 'code', {
          jsCode: `return [{ json: {}, binary: { data: { data: '${Buffer.from('round trip').toString('base64')}', mimeType: 'text/plain' } } }];`,
        }),
        node('Write', 'readWriteFile', { operation: 'write', fileName: 'round.txt' }),
        node('Read', 'readWriteFile', { operation: 'read', fileSelector: '={{ $json.fileName }}' }),
      ],
      edges: [edge('Start', 'Make'), edge('Make', 'Write'), edge('Write', 'Read')],
    });
    const r = await run(def, { filesDir: root });
    expect(r.status).toBe('succeeded');
    const read = r.runs.find((x) => x.name === 'Read')?.output.main?.[0];
    expect(Buffer.from(read?.binary?.data?.data ?? '', 'base64').toString()).toBe('round trip');
  });
});

describe('Read/Write Files: a stopped run', () => {
  it('reads nothing once the run is stopped, even going on after failures', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await expect(
      runNode('readWriteFile', { fileSelector: '*.txt' }, [{ json: {} }], {
        filesDir: root,
        signal: stop.signal,
        node: { onError: 'continueRegularOutput' },
      }),
    ).rejects.toThrow('stopped');
  });
});
