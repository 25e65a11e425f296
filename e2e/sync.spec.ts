import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addNode, readNodes } from '../shared/src/schema/index.ts';
import type { Page } from '@playwright/test';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The stock y-websocket client works unmodified in the browser against the
 * real relay, and people in two browsers see each other's edits.
 */

test.describe.configure({ mode: 'serial' });

const nodeNames = (page: Page) => page.getByTestId('node-list').locator('li > span:first-child');
/** The node names a page shows, sorted (the list follows node ids, which are random). */
const shownNames = (page: Page) => async () => (await nodeNames(page).allTextContents()).sort();

test('a browser and a Node y-websocket client edit the same workflow', async ({ page, weft }) => {
  await signUpInBrowser(page, 'Ada', 'ada@example.com');
  await page.getByPlaceholder('New workflow name').fill('Orders');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/w\/[A-Za-z0-9_-]+$/);
  const workflowId = page.url().split('/w/')[1] ?? '';
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');

  // The browser adds a node through the UI.
  await page.getByLabel('Node type').selectOption('httpRequest');
  await page.getByRole('button', { name: 'Add node' }).click();
  await expect(nodeNames(page)).toHaveText(['HTTP Request']);

  // A stock provider in Node, authenticated with an API token, sees it and answers.
  const tokenRes = await page.request.post('/api/tokens', { data: { name: 'node client' } });
  const { token } = (await tokenRes.json()) as { token: string };
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(weft.wsURL, workflowId, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
  });
  try {
    await expect.poll(() => readNodes(doc).map((n) => n.name)).toEqual(['HTTP Request']);
    addNode(doc, { type: 'set', name: 'From Node', position: { x: 300, y: 0 } });
    await expect.poll(shownNames(page)).toEqual(['From Node', 'HTTP Request']);
  } finally {
    provider.destroy();
  }
});

test('two people in two browsers see each other’s edits; a viewer sees them live and cannot edit', async ({
  browser,
  weft,
}) => {
  const contexts = await Promise.all([
    browser.newContext({ baseURL: weft.baseURL }),
    browser.newContext({ baseURL: weft.baseURL }),
    browser.newContext({ baseURL: weft.baseURL }),
  ]);
  const [ann, ben, vic] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!ann || !ben || !vic) throw new Error('no pages');
  await signUpInBrowser(ben, 'Ben', 'ben@example.com');
  await signUpInBrowser(vic, 'Vic', 'vic@example.com');
  await signUpInBrowser(ann, 'Ann', 'ann@example.com');
  await ann.getByPlaceholder('New workflow name').fill('Shared');
  await ann.getByRole('button', { name: 'Create' }).click();
  await expect(ann.getByTestId('sync-status')).toHaveText('Saved');
  const url = new URL(ann.url()).pathname;

  // Ann shares it: Ben edits, Vic views.
  await ann.getByLabel('Member email').fill('ben@example.com');
  await ann.getByLabel('Role').selectOption('editor');
  await ann.getByRole('button', { name: 'Add', exact: true }).click();
  await ann.getByLabel('Member email').fill('vic@example.com');
  await ann.getByLabel('Role').selectOption('viewer');
  await ann.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(ann.getByRole('region', { name: 'Members' }).getByRole('row')).toHaveCount(3);

  await ben.goto(url);
  await vic.goto(url);
  await expect(ben.getByTestId('sync-status')).toHaveText('Saved');
  await expect(vic.getByTestId('sync-status')).toHaveText('Saved');
  await expect(vic.getByRole('button', { name: 'Add node' })).toHaveCount(0);

  await ann.getByLabel('Node type').selectOption('webhook');
  await ann.getByRole('button', { name: 'Add node' }).click();
  await ben.getByLabel('Node type').selectOption('if');
  await ben.getByRole('button', { name: 'Add node' }).click();
  for (const page of [ann, ben, vic]) await expect.poll(shownNames(page)).toEqual(['IF', 'Webhook']);

  await ben
    .getByTestId('node-list')
    .locator('li', { hasText: 'Webhook' })
    .getByRole('button', { name: 'Delete' })
    .click();
  for (const page of [ann, ben, vic]) await expect.poll(shownNames(page)).toEqual(['IF']);
  await ann.screenshot({ path: 'test-results/two-editors-ann.png', fullPage: true });
  await vic.screenshot({ path: 'test-results/viewer-vic.png', fullPage: true });
  await Promise.all(contexts.map((c) => c.close()));
});
