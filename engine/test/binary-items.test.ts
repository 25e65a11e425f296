import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { createSandbox } from '../src/sandbox/node-host.ts';
import type { Item } from '#shared/runs/items.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * Binary items (docs/plans/n8n-daily.md §8.2): files an item carries pass through the runner and its node runs as
 * they are, are readable as `$binary` and `.binary` in expressions and in Code, and count against the per-node byte
 * budget with their base64.
 */

const trigger = node('Start', 'manualTrigger');
const hello = Buffer.from('hello, file').toString('base64');
const makeFile = `return [{ json: { n: 1 }, binary: { data: { data: '${hello}', mimeType: 'text/plain', fileName: 'hello.txt', fileExtension: 'txt', fileSize: '11 B', bytes: 11 } } }];`;
const code = (name: string, jsCode: string, extra = {}) => node(name, 'code', { jsCode }, extra);

const outputOf = (r: Awaited<ReturnType<typeof run>>, name: string): Item[] =>
  r.runs.filter((x) => x.name === name).at(-1)?.output.main ?? [];

describe('binary items', () => {
  it('a file from Code passes through No Op and If as it is, and the stored node runs carry it', async () => {
    const def = definition({
      name: 'Files',
      nodes: [
        trigger,
        code('Make', makeFile),
        node('Pass', 'noOp'),
        node('Has?', 'if', {
          conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:equals', rightValue: '1' }],
        }),
      ],
      edges: [edge('Start', 'Make'), edge('Make', 'Pass'), edge('Pass', 'Has?')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    for (const name of ['Make', 'Pass']) expect(outputOf(r, name)[0]?.binary?.data?.data).toBe(hello);
    expect(r.runs.find((x) => x.name === 'Has?')?.output.true?.[0]?.binary?.data).toMatchObject({
      data: hello,
      mimeType: 'text/plain',
      fileName: 'hello.txt',
    });
  });

  it('$binary, $input.item.binary and $("Node").item.binary read the files; an item without has {}', async () => {
    const def = definition({
      name: 'Read files',
      nodes: [
        trigger,
        code('Make', makeFile),
        node('Names', 'set', {
          assignments: [
            { name: 'viaBinary', type: 'string', value: '={{ $binary.data.fileName }}' },
            { name: 'viaInput', type: 'string', value: '={{ $input.item.binary.data.mimeType }}' },
            { name: 'viaNode', type: 'number', value: "={{ $('Make').item.binary.data.bytes }}" },
          ],
        }),
        code(
          'Empty',
          'return [{ json: { keys: Object.keys($binary).length, has: $input.first().binary === undefined } }];',
        ),
        code(
          'Decode',
          'return $input.all().map((item) => ({ json: { files: Object.keys(item.binary ?? {}), size: item.binary?.data?.bytes ?? 0 }, binary: item.binary }));',
        ),
      ],
      edges: [edge('Start', 'Make'), edge('Make', 'Names'), edge('Names', 'Empty'), edge('Make', 'Decode')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(outputOf(r, 'Names')[0]?.json).toMatchObject({
      viaBinary: 'hello.txt',
      viaInput: 'text/plain',
      viaNode: 11,
    });
    expect(outputOf(r, 'Empty')[0]?.json).toEqual({ keys: 0, has: true });
    expect(outputOf(r, 'Decode')[0]).toMatchObject({
      json: { files: ['data'], size: 11 },
      binary: { data: { data: hello } },
    });
  });

  it('Code once per item keeps the binary it returns', async () => {
    const def = definition({
      name: 'Each',
      nodes: [
        trigger,
        code('Make', makeFile),
        node('Each', 'code', {
          mode: 'runOnceForEachItem',
          jsCode: 'return { json: { name: $binary.data.fileName }, binary: { copy: $binary.data } };',
        }),
      ],
      edges: [edge('Start', 'Make'), edge('Make', 'Each')],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(outputOf(r, 'Each')[0]).toMatchObject({ json: { name: 'hello.txt' }, binary: { copy: { data: hello } } });
  });

  it('a binary that is not a file (no mimeType, data not base64) is a clear node error', async () => {
    for (const bad of ["{ data: { data: 'aGk=' } }", "{ data: { data: 'not base64!', mimeType: 'text/plain' } }"]) {
      const def = definition({
        name: 'Bad',
        nodes: [trigger, code('Bad', `return [{ json: {}, binary: ${bad} }];`)],
        edges: [edge('Start', 'Bad')],
      });
      const r = await run(def);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(
        /'binary' is not a set of files: each needs 'data' \(base64\) and 'mimeType' \(at binary\.data\./,
      );
    }
  });

  it('files count with their base64 against the per-node budget, encoded or not', async () => {
    const big = Buffer.alloc(3000, 7).toString('base64');
    const def = definition({
      name: 'Big file',
      nodes: [
        trigger,
        code(
          'Big',
          `return [{ json: {}, binary: { data: { data: '${big}', mimeType: 'application/octet-stream' } } }];`,
        ),
      ],
      edges: [edge('Start', 'Big')],
    });
    const encoded = await run(def, { limits: { maxBytesPerNode: 2048 } });
    expect(encoded.status).toBe('failed');
    expect(encoded.error).toMatch(
      /it put out 4,0\d\d bytes of data \(4,000 bytes of it files, as base64\), more than the 2,048 bytes/,
    );
    const plain = await run(def, { limits: { maxBytesPerNode: 2048 }, encodeItems: false });
    expect(plain.status).toBe('failed');
    expect(plain.error).toMatch(
      /it put out 4,000 bytes of files \(as base64\), more than the 2,048 bytes one node run may/,
    );
    expect((await run(def, { limits: { maxBytesPerNode: 8192 } })).status).toBe('succeeded');
  });
});

describe('Edit Fields (Set) and files', () => {
  const setAfterFile = (parameters: Record<string, unknown>) =>
    definition({
      name: 'Set files',
      nodes: [
        trigger,
        code('Make', makeFile),
        node('Set', 'set', { assignments: [{ name: 'x', value: '1', type: 'string' }], ...parameters }),
      ],
      edges: [edge('Start', 'Make'), edge('Make', 'Set')],
    });
  const filesAfter = async (parameters: Record<string, unknown>) =>
    Object.keys(outputOf(await run(setAfterFile(parameters)), 'Set')[0]?.binary ?? {});

  it('keeps them with the other input fields (n8n 3.4), always, or never, as its binary parameter says', async () => {
    expect(await filesAfter({})).toEqual([]);
    expect(await filesAfter({ includeOtherFields: true })).toEqual(['data']);
    expect(await filesAfter({ includeOtherFields: true, binary: 'strip' })).toEqual([]);
    expect(await filesAfter({ binary: 'keep' })).toEqual(['data']);
  });
});

describe('expressions and files', () => {
  it('an expression that does not name binary gets the items without their files (a small sandbox copes)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'weft-expr-files-'));
    // 3 MB of file is 4 MB of base64: more than this sandbox's memory holds as JSON text and parsed.
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    const sandbox = await createSandbox({ timeoutMs: 2000, memoryBytes: 6 * 1024 * 1024 });
    try {
      const resolver = new ParameterResolver(sandbox);
      const def = definition({
        name: 'Names only',
        nodes: [
          trigger,
          node('Read', 'readWriteFile', { fileSelector: 'big.bin' }),
          node('Name', 'set', {
            assignments: [
              { name: 'upper', type: 'string', value: "={{ $('Read').item.json.fileName.toUpperCase() }}" },
              { name: 'size', type: 'string', value: '={{ $json.fileSize.toLowerCase() }}' },
            ],
          }),
        ],
        edges: [edge('Start', 'Read'), edge('Read', 'Name')],
      });
      const r = await run(def, { filesDir: root, sandbox, resolver });
      expect(r.error).toBeUndefined();
      expect(outputOf(r, 'Name')[0]?.json).toEqual({ upper: 'BIG.BIN', size: '3.15 mb' });
    } finally {
      sandbox.dispose();
    }
  });
});

describe('nodes that hand items on keep their files, as n8n', () => {
  it('Rename Keys, and Merge appending or choosing a branch', async () => {
    const def = definition({
      name: 'Pass files',
      nodes: [
        trigger,
        code('Make', makeFile),
        node('Rename', 'renameKeys', { keys: [{ currentKey: 'n', newKey: 'm' }] }),
        node('Both', 'merge', { mode: 'append' }),
        node('Pick', 'merge', { mode: 'chooseBranch', useDataOfInput: 'input2' }),
      ],
      edges: [
        edge('Start', 'Make'),
        edge('Make', 'Rename'),
        edge('Rename', 'Both', 'main', 'input1'),
        edge('Make', 'Both', 'main', 'input2'),
        edge('Make', 'Pick', 'main', 'input1'),
        edge('Rename', 'Pick', 'main', 'input2'),
      ],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(outputOf(r, 'Rename')[0]).toMatchObject({ json: { m: 1 }, binary: { data: { data: hello } } });
    expect(outputOf(r, 'Both').map((i) => i.binary?.data?.fileName)).toEqual(['hello.txt', 'hello.txt']);
    expect(outputOf(r, 'Pick')[0]).toMatchObject({ json: { m: 1 }, binary: { data: { fileName: 'hello.txt' } } });
  });
});
