import type { BrowserContext } from '@playwright/test';
import { canvasNames, openWorkflow } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The offline app caches only the app (issue 10, scope 9): opening a server
 * path in the browser — `/healthz`, an active webhook — neither replaces the
 * app's kept HTML nor is kept itself, and a webhook is never answered from
 * the service worker's cache.
 */

test.describe.configure({ mode: 'serial' });

/**
 * Every entry of the service worker's caches: its URL and, for text, its body.
 * Read inside the worker: the page may be on a sandboxed webhook answer, and
 * opening an app page to read them would refresh what is being checked.
 */
const cachedEntries = async (context: BrowserContext) => {
  const [worker] = context.serviceWorkers();
  if (!worker) throw new Error('no service worker');
  return worker.evaluate(async () => {
    const out: { cache: string; url: string; type: string; body: string }[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const type = response?.headers.get('content-type') ?? '';
        const body = response && /json|html|text/.test(type) ? await response.text() : '';
        out.push({ cache: name, url: new URL(request.url).pathname, type, body });
      }
    }
    return out;
  });
};

test('opening /healthz and a webhook in the browser leaves the offline app as it was', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Sam', 'sam@example.com');

  // An active workflow whose GET webhook answers at once (200, JSON), and a second node to see on the canvas.
  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Scope',
      nodes: [
        {
          id: 'hook',
          name: 'Hook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'scope-page' },
        },
        { id: 'noop', name: 'Then', type: 'noOp', typeVersion: 1, position: { x: 260, y: 0 }, parameters: {} },
      ],
      edges: [{ source: 'hook', target: 'noop' }],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  expect((await page.request.post(`/api/workflows/${id}/publish`)).ok()).toBe(true);
  expect((await page.request.post(`/api/workflows/${id}/activate`)).ok()).toBe(true);
  const hookUrl = '/webhook/scope-page';

  // The editor, with the service worker in control of the page.
  await openWorkflow(page, `/w/${id}`);
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  await expect.poll(canvasNames(page)).toEqual(['Hook', 'Then']);

  // A fetch of the webhook from the app's page is the server's business.
  expect(await page.evaluate(async (url) => (await fetch(url)).status, hookUrl)).toBe(200);

  // Server paths opened in another tab, under the service worker's scope (the editor stays open in this one).
  const other = await context.newPage();
  const health = await other.goto('/healthz');
  expect(await health?.json()).toEqual({ ok: true });
  const hook = await other.goto(hookUrl);
  expect(hook?.status()).toBe(200);
  await expect(other.getByText('Workflow was started')).toBeVisible();

  // Nothing they answered was kept: the kept HTML is the app's, and no entry is a server path.
  const entries = await cachedEntries(context);
  const shell = entries.find((e) => e.cache === 'weft-shell' && e.url === '/');
  expect(shell?.type).toMatch(/^text\/html/);
  expect(shell?.body).toContain('<div id="root">');
  for (const entry of entries) {
    expect(entry.url, JSON.stringify(entry)).not.toMatch(/^\/(healthz|webhook|webhook-test|sync|engine)\b/);
    // The webhook's answer itself (the app's own script names the option "Workflow was started" too).
    expect(entry.body, entry.url).not.toContain('{"message":"Workflow was started"}');
    expect(entry.body, entry.url).not.toContain('"ok":true');
  }

  // Offline: a reload of the editor opens it with its last state; the webhook is not answered from the cache.
  await context.setOffline(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Offline');
  await page.reload();
  await expect.poll(canvasNames(page)).toEqual(['Hook', 'Then']);
  await expect(page.getByLabel('Workflow name')).toHaveValue('Scope');
  await expect(other.goto(hookUrl)).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
  await expect(other.goto('/healthz')).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
  await context.close();
});
