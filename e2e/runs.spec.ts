import type { Page } from '@playwright/test';
import { expect, signUpInBrowser, test } from './fixtures.ts';
import { openWorkflow, share } from './editor-helpers.ts';

/**
 * Runs in the editor against `npm start`'s built server and its engine child:
 * a run lights up on both people's canvases, the inspector shows a node's
 * items, and an activated webhook called from outside lights up too.
 */

test.describe.configure({ mode: 'serial' });

const badge = (page: Page, name: string) =>
  page.locator('.react-flow__node', { has: page.locator(`[data-node-name="${name}"]`) }).getByTestId('run-badge');

test('a run lights up on two canvases; the inspector shows its items; an active webhook runs when called', async ({
  browser,
  weft,
}) => {
  const contexts = await Promise.all([
    browser.newContext({ baseURL: weft.baseURL }),
    browser.newContext({ baseURL: weft.baseURL }),
  ]);
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!a || !b) throw new Error('no pages');
  await signUpInBrowser(a, 'Ann', 'ann-runs@example.com');
  await signUpInBrowser(b, 'Ben', 'ben-runs@example.com');

  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Orders',
      nodes: [
        {
          id: 'hook',
          name: 'Hook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'e2e-orders', httpMethod: 'POST', responseMode: 'responseNode' },
        },
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 160 }, parameters: {} },
        {
          id: 'pause',
          name: 'Pause',
          type: 'wait',
          typeVersion: 1,
          position: { x: 260, y: 80 },
          parameters: { amount: 0.6, unit: 'seconds' },
        },
        {
          id: 'big',
          name: 'Big?',
          type: 'if',
          typeVersion: 1,
          position: { x: 520, y: 80 },
          parameters: {
            conditions: [{ leftValue: '={{ $json.body?.total ?? 0 }}', operator: 'number:gt', rightValue: '100' }],
          },
        },
        {
          id: 'reply',
          name: 'Reply',
          type: 'respondToWebhook',
          typeVersion: 1,
          position: { x: 780, y: 0 },
          parameters: {
            respondWith: 'json',
            responseBody: '={{ JSON.stringify({ big: true, total: $json.body.total }) }}',
          },
        },
      ],
      edges: [
        { source: 'hook', target: 'pause' },
        { source: 'go', target: 'pause' },
        { source: 'pause', target: 'big' },
        { source: 'big', sourceHandle: 'true', target: 'reply' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await share(a, id, 'ben-runs@example.com', 'editor');
  await Promise.all([openWorkflow(a, `/w/${id}`), openWorkflow(b, `/w/${id}`)]);

  // Ann runs it; both canvases show the Wait running, then every node that ran with its items.
  await a.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(badge(b, 'Pause')).toHaveAttribute('data-status', 'running');
  await expect(badge(a, 'Pause')).toHaveAttribute('data-status', 'running');
  for (const page of [a, b]) {
    await expect(badge(page, 'Big?')).toHaveText('1 item');
    await expect(badge(page, 'Reply')).toHaveAttribute('data-status', 'skipped');
    await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  }
  await b.screenshot({ path: 'test-results/runs-ben-after-ann-ran.png' });

  // Ben inspects the IF: the item went to "false".
  await b.locator('.react-flow__node', { has: b.locator('[data-node-name="Big?"]') }).click();
  const runData = b.getByRole('region', { name: 'Run data' });
  await expect(runData).toContainText('Last run · succeeded');
  await expect(runData).toContainText('Output: 1 item');

  // Ann activates it; a call from outside runs the published version and answers; Ben sees it light up.
  await a.getByRole('button', { name: 'Inactive', exact: true }).click();
  await expect(a.getByRole('button', { name: 'Active', exact: true })).toBeVisible();
  const res = await fetch(`${weft.baseURL}/webhook/e2e-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ total: 250 }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ big: true, total: 250 });
  await expect(badge(b, 'Reply')).toHaveText('1 item');
  await expect(badge(a, 'Reply')).toHaveText('1 item');
  await a.screenshot({ path: 'test-results/runs-ann-webhook.png' });

  // The executions panel lists both runs.
  await b.getByRole('button', { name: 'Executions', exact: true }).click();
  await expect(b.getByRole('list', { name: 'Executions' }).getByRole('listitem')).toHaveCount(2);
  await Promise.all(contexts.map((c) => c.close()));
});
