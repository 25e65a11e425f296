import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  addFromPalette,
  annAndBen,
  canvasNames,
  canvasNode,
  createWorkflow,
  fit,
  openWorkflow,
  share,
} from './editor-helpers.ts';

/**
 * Runs in the editor against `npm start`'s built server and its engine child:
 * a run lights up on both people's canvases, the inspector shows a node's
 * items, and an activated webhook called from outside lights up too; a
 * workflow built in the editor answers curl.
 */

test.describe.configure({ mode: 'serial' });

const badge = (page: Page, name: string) =>
  page.locator('.react-flow__node', { has: page.locator(`[data-node-name="${name}"]`) }).getByTestId('run-badge');

test('a run lights up on two canvases; the inspector shows its items; an active webhook runs when called', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-runs');

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
          parameters: { amount: 2, unit: 'seconds' },
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
  await share(a, b, id, benEmail, 'editor');
  await Promise.all([openWorkflow(a, `/w/${id}`), openWorkflow(b, `/w/${id}`)]);

  // Ann runs it; both canvases show the Wait running, then every node that ran with its items.
  await a.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(badge(b, 'Pause')).toHaveAttribute('data-status', 'running');
  await expect(badge(a, 'Pause')).toHaveAttribute('data-status', 'running');
  for (const page of [a, b]) {
    await expect(badge(page, 'Big?')).toHaveText('1 item');
    await expect(badge(page, 'Reply')).toHaveAttribute('data-status', 'skipped');
    await expect(page.getByTestId('run-status')).toHaveText('succeeded');
    // The executed path: Go → Pause → Big? carried the item; Big?'s "true" edge and the webhook's did not.
    await expect(page.locator('.react-flow__edge-path.run-path')).toHaveCount(2);
    await expect(page.getByTestId('edge-items')).toHaveText(['1 item', '1 item']);
  }
  await b.screenshot({ path: 'test-results/runs-ben-after-ann-ran.png' });

  // Ben inspects the IF: the item went to "false".
  await b.locator('.react-flow__node', { has: b.locator('[data-node-name="Big?"]') }).click();
  const runData = b.getByRole('region', { name: 'Run data' });
  await expect(runData).toContainText('Last run · succeeded');
  await expect(runData.getByRole('region', { name: 'Output false' })).toContainText('Output false: 1 item');
  await expect(runData.getByRole('region', { name: 'Output true' })).toContainText('Output true: 0 items');

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

/** Replaces a text parameter's content (a CodeMirror field bound to the document). */
const typeParam = async (page: Page, name: string, text: string) => {
  const field = page.locator(`[data-param="${name}"] .cm-content`);
  await field.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
};

test('a webhook → HTTP Request → IF → Respond workflow built in the editor answers curl and lights up for both', async ({
  browser,
  weft,
}) => {
  // The "external" API the workflow calls: a real HTTP server on 127.0.0.1.
  const prices: Record<string, number> = { lamp: 250, pen: 3 };
  const api: Server = createServer((req, res) => {
    const sku = decodeURIComponent(req.url?.split('/price/')[1] ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sku, price: prices[sku] ?? 0 }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const apiPort = (api.address() as AddressInfo).port;

  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-built');
  const { id, path } = await createWorkflow(a, 'Price check');
  await share(a, b, id, benEmail, 'editor');
  await openWorkflow(b, path);

  // Ann adds the four nodes; each is added after the selected one, connected (IF's first output is "true").
  for (const type of ['webhook', 'httpRequest', 'if', 'respondToWebhook']) await addFromPalette(a, type);
  const names = ['HTTP Request', 'IF', 'Respond to Webhook', 'Webhook'];
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(names);
  await expect(b.locator('.react-flow__edge')).toHaveCount(3);
  await fit(a);

  const inspector = a.getByTestId('inspector');
  await canvasNode(a, 'Webhook').click();
  await typeParam(a, 'path', 'price-check');
  await inspector.locator('[data-param="httpMethod"] select').selectOption('POST');
  await inspector.locator('[data-param="responseMode"] select').selectOption('responseNode');

  await canvasNode(a, 'HTTP Request').click();
  await typeParam(a, 'url', `=http://127.0.0.1:${apiPort}/price/{{ $json.body.sku }}`);

  await canvasNode(a, 'IF').click();
  const condition = inspector.locator('[data-param="conditions"] .list-row').first();
  await condition.getByLabel('Value 1').fill('={{ $json.price }}');
  await condition.getByLabel('Operator').selectOption('number:gt');
  await condition.getByLabel('Value 2').fill('100');
  await condition.getByLabel('Value 2').press('Enter');

  await canvasNode(a, 'Respond to Webhook').click();
  await inspector.locator('[data-param="respondWith"] select').selectOption('firstIncomingItem');
  await a.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });

  // Ann activates it; curl from outside gets the API's answer through the IF's true branch.
  await a.getByRole('button', { name: 'Inactive', exact: true }).click();
  await expect(a.getByRole('button', { name: 'Active', exact: true })).toBeVisible();
  // Ben's switch follows: the server announces it in the room.
  await expect(b.getByRole('button', { name: 'Active', exact: true })).toBeVisible();
  const curl = await promisify(execFile)('curl', [
    '-sS',
    '--max-time',
    '10',
    '-X',
    'POST',
    '-H',
    'content-type: application/json',
    '-d',
    '{"sku":"lamp"}',
    `${weft.baseURL}/webhook/price-check`,
  ]);
  expect(JSON.parse(curl.stdout)).toEqual({ sku: 'lamp', price: 250 });

  // Both canvases light up along the path the item took.
  for (const page of [a, b]) {
    await expect(badge(page, 'Webhook')).toHaveText('1 item');
    await expect(badge(page, 'HTTP Request')).toHaveText('1 item');
    await expect(badge(page, 'IF')).toHaveText('1 item');
    await expect(badge(page, 'Respond to Webhook')).toHaveText('1 item');
    await expect(page.locator('.react-flow__edge-path.run-path')).toHaveCount(3);
  }
  await fit(b);
  await b.screenshot({ path: 'test-results/runs-built-in-editor-ben.png' });

  // Ben opens the run in the executions panel: its log says how it ended.
  await b.getByRole('button', { name: 'Executions', exact: true }).click();
  const runs = b.getByRole('list', { name: 'Executions' }).getByRole('listitem');
  await expect(runs).toHaveCount(1);
  await runs.first().locator('.execution-pick').click();
  await expect(b.getByRole('list', { name: 'Execution log' })).toContainText(/Succeeded in \d+ ms \(4 node runs\)/);
  await b.screenshot({ path: 'test-results/runs-execution-log.png' });

  await Promise.all(contexts.map((c) => c.close()));
  await new Promise((resolve) => api.close(resolve));
});
