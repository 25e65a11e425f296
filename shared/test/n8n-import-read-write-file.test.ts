import { describe, expect, it } from 'vitest';
import { fromN8n } from '../src/interop/n8n/index.ts';

/** Read/Write Files from Disk imported from n8n 1 and 1.1 (docs/plans/n8n-daily.md §8). */

const importNode = (typeVersion: number, parameters: Record<string, unknown>) => {
  const { definition, warnings } = fromN8n({
    nodes: [{ name: 'Files', type: 'n8n-nodes-base.readWriteFile', typeVersion, parameters }],
    connections: {},
  });
  const node = definition.nodes[0];
  return { type: node?.type, params: node?.parameters ?? {}, warnings: warnings.map((w) => w.message) };
};

describe('n8n import: Read/Write Files from Disk', () => {
  it('1.1 read: the selector and every option, flat; no match fails as in 1.1', () => {
    const { type, params, warnings } = importNode(1.1, {
      fileSelector: 'reports/*.csv',
      options: {
        fileExtension: 'txt',
        fileName: 'renamed.txt',
        mimeType: 'text/csv',
        dataPropertyName: 'file',
        literalBrackets: false,
      },
    });
    expect(type).toBe('readWriteFile');
    expect(params).toEqual({
      fileSelector: 'reports/*.csv',
      fileExtension: 'txt',
      outputFileName: 'renamed.txt',
      mimeType: 'text/csv',
      dataPropertyName: 'file',
      literalBrackets: false,
      errorWhenNone: true,
    });
    expect(warnings).toEqual([]);
  });

  it('1 read: no match puts out nothing; an absolute path is named, since only the files folder is reachable', () => {
    const { params, warnings } = importNode(1, { fileSelector: '/home/node/in/*.json' });
    expect(params).toMatchObject({ fileSelector: '/home/node/in/*.json', errorWhenNone: false });
    expect(warnings.join('\n')).toMatch(/"\/home\/node\/in\/\*\.json" is absolute.*WEFT_FILES_DIR/);
  });

  it('write: path, binary field and append', () => {
    const { params, warnings } = importNode(1.1, {
      operation: 'write',
      fileName: 'out/report.csv',
      dataPropertyName: 'report',
      options: { append: true },
    });
    expect(params).toEqual({
      operation: 'write',
      fileName: 'out/report.csv',
      dataPropertyName: 'report',
      append: true,
    });
    expect(warnings).toEqual([]);
  });
});
