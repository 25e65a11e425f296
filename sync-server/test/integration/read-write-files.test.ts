import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * Read/Write Files end to end: a real engine started with --files-dir reads a file into a binary item, writes a
 * copy, the file downloads from the execution (GET /api/executions/{id}/binary); a path out of the folder fails the
 * run with the node's error, and nothing outside is read.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
let base: string;
let files: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'weft-files-it-'));
  files = join(base, 'files');
  mkdirSync(files);
  writeFileSync(join(files, 'report.csv'), 'a,b\n1,2\n');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl, { args: ['--files-dir', files] });
});

afterAll(async () => {
  if (engine) await stopEngine(engine);
  await t.close();
  rmSync(base, { recursive: true, force: true });
});

const workflow = (fileSelector: string) => ({
  weft: 1,
  name: `Files ${fileSelector}`,
  nodes: [
    { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
    {
      id: 'read',
      name: 'Read',
      type: 'readWriteFile',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { operation: 'read', fileSelector },
    },
    {
      id: 'write',
      name: 'Write',
      type: 'readWriteFile',
      typeVersion: 1,
      position: { x: 400, y: 0 },
      parameters: { operation: 'write', fileName: 'copy.csv' },
    },
  ],
  edges: [
    { source: 'go', target: 'read' },
    { source: 'read', target: 'write' },
  ],
});

describe('Read/Write Files through a real engine', () => {
  it('reads into a binary item, writes a copy, downloads it; a path out of the folder fails the run', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann-files@example.com');
    const runOf = async (fileSelector: string) => {
      const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
        as: ann.as,
        body: workflow(fileSelector),
      });
      expect(imported.status).toBe(201);
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
      const id = started.body.id;
      const ended = await waitUntil(async () => {
        const r = await rest.call<{ status: string; error: string | null }>('GET', `/api/executions/${id}`, {
          as: ann.as,
        });
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
      }, 'the run to end');
      return { id, ...ended };
    };

    const ok = await runOf('report.csv');
    expect(ok.status).toBe('succeeded');
    expect(readFileSync(join(files, 'copy.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const file = await fetch(`${t.baseUrl}/api/executions/${ok.id}/binary?node=read&item=0&key=data`, {
      headers: { cookie: ann.as.cookie ?? '' },
    });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('a,b\n1,2\n');
    expect(file.headers.get('content-type')).toBe('text/csv');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="report\.csv"/);

    const out = await runOf('../secret.txt');
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/The path "\.\.\/secret\.txt" is outside the files folder/);
  });
});
