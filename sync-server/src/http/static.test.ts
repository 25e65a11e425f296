import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { staticRoutes } from './static.ts';

// The web app from a folder (WEFT_CLIENT_DIR, or dist/client); the copy
// embedded in the binary is served by the same routes and checked by
// .ci/binary-smoke, which runs the binary itself.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const listen = async (clientDir: string): Promise<string> => {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: staticRoutes(clientDir).fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('staticRoutes from a folder', () => {
  it('serves its files, hashed assets cached for good, and index.html for the app routes', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir.path, 'assets/index-abc123.js'), 'console.log(1)');
    const base = await listen(dir.path);

    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<div id="root">');

    const script = await fetch(`${base}/assets/index-abc123.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log(1)');

    const route = await fetch(`${base}/w/some-workflow`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="root">');
  });

  it('answers 503 with a hint when the web app is not built', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const base = await listen(join(dir.path, 'missing'));
    const answer = await fetch(`${base}/`);
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain('npm run build');
  });
});
