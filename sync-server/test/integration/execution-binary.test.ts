import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * GET /api/executions/{id}/binary (docs/plans/n8n-daily.md §8.2): a file a real engine's run put on an item,
 * downloaded as its bytes with a safe type and name, for whoever may read the execution; anything missing is a 404
 * with the error shape.
 */

let t: TestServer;
let engine: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  if (engine) await stopEngine(engine);
  await t.close();
});

const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13, 0x3c]);
const text = 'hello, <b>file</b>\n';
const jsCode = `return [{
  json: { n: 1 },
  binary: {
    data: { data: '${bytes.toString('base64')}', mimeType: 'image/png', fileName: 'pixel.png', fileExtension: 'png' },
    page: { data: '${Buffer.from(text).toString('base64')}', mimeType: 'text/html; charset=utf-8', fileName: 'résumé "q"\\\\..\\\\x.html' },
    odd: { data: 'AAAA', mimeType: 'not a type<script>', fileExtension: 'bin' },
  },
}];`;

const download = (id: string, query: string, as: Caller) =>
  fetch(`${t.baseUrl}/api/executions/${id}/binary?${query}`, { headers: { cookie: as.cookie ?? '' } });

describe('execution binary', () => {
  it('answers the decoded bytes as an attachment; refuses strangers, and anything missing is a 404', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann-binary@example.com');
    const vic = await rest.signup('vic-binary@example.com');
    const eve = await rest.signup('eve-binary@example.com');
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Files',
        nodes: [
          { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
          {
            id: 'make',
            name: 'Make',
            type: 'code',
            typeVersion: 1,
            position: { x: 200, y: 0 },
            parameters: { jsCode },
          },
          { id: 'pass', name: 'Pass', type: 'noOp', typeVersion: 1, position: { x: 400, y: 0 } },
        ],
        edges: [
          { source: 'go', target: 'make' },
          { source: 'make', target: 'pass' },
        ],
      },
    });
    expect(imported.status).toBe(201);
    await rest.addMember(ann.as, imported.body.id, vic, 'viewer');
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
    const id = started.body.id;
    await waitUntil(async () => {
      const r = await rest.call<{ status: string; error: string | null }>('GET', `/api/executions/${id}`, {
        as: ann.as,
      });
      if (r.body.status === 'failed') throw new Error(`the run failed: ${r.body.error}`);
      return r.body.status === 'succeeded' ? true : undefined;
    }, 'the run to succeed');

    // The detail and the items page carry the files as they are.
    const page = await rest.call<{ items: { binary?: Record<string, { mimeType: string }> }[] }>(
      'GET',
      `/api/executions/${id}/items?node=pass`,
      { as: ann.as },
    );
    expect(page.body.items[0]?.binary?.data?.mimeType).toBe('image/png');

    const png = await download(id, 'node=make&item=0&key=data', ann.as);
    expect(png.status).toBe(200);
    expect(Buffer.from(await png.arrayBuffer())).toEqual(bytes);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toBe(`attachment; filename="pixel.png"; filename*=UTF-8''pixel.png`);
    expect(png.headers.get('x-content-type-options')).toBe('nosniff');

    // The input side of the next node, read by a viewer: the same file.
    const viaInput = await download(id, 'node=pass&side=input&item=0&key=data', vic.as);
    expect(viaInput.status).toBe(200);
    expect(Buffer.from(await viaInput.arrayBuffer())).toEqual(bytes);

    // A name with quotes, backslashes and non-ASCII letters cannot break out of the header; the type loses its parameters.
    const html = await download(id, 'node=make&item=0&key=page', ann.as);
    expect(await html.text()).toBe(text);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _q__.._x.html"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q%22_.._x.html`,
    );
    // A type that is not one is sent as bytes; no file name: the key and its extension.
    const odd = await download(id, 'node=make&item=0&key=odd', ann.as);
    expect(odd.headers.get('content-type')).toBe('application/octet-stream');
    expect(odd.headers.get('content-disposition')).toMatch(/^attachment; filename="odd\.bin"/);

    // A stranger may not read it; what does not exist is a 404 with the error shape; a bad query is a 400.
    expect((await download(id, 'node=make&item=0&key=data', eve.as)).status).toBe(403);
    for (const missing of [
      'node=make&item=1&key=data',
      'node=make&item=0&key=other',
      'node=make&item=0&key=__proto__',
      'node=make&run=2&item=0&key=data',
      'node=ghost&item=0&key=data',
      'node=make&handle=toString&item=0&key=data',
      'node=go&item=0&key=data',
    ]) {
      const res = await download(id, missing, ann.as);
      expect(res.status, missing).toBe(404);
      expect(await res.json(), missing).toMatchObject({
        error: { code: 'not_found', message: expect.any(String) as string },
      });
    }
    const unknown = await download('nope', 'node=make&item=0&key=data', ann.as);
    expect(unknown.status).toBe(404);
    for (const bad of ['node=make&key=data', 'node=make&item=-1&key=data', 'node=make&item=0', 'item=0&key=data']) {
      const res = await download(id, bad, ann.as);
      expect(res.status, bad).toBe(400);
      expect(await res.json(), bad).toMatchObject({ error: { code: expect.any(String) as string } });
    }
  });
});
