import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addNode, readNodes } from '../shared/src/schema/index.ts';
import { addFromPalette, canvasNames, canvasNode } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The stock y-websocket client works unmodified in the browser against the
 * real relay, and people in two browsers see each other's edits.
 */

test.describe.configure({ mode: 'serial' });

const shownNames = canvasNames;

test('a browser and a Node y-websocket client edit the same workflow', async ({ page, weft }) => {
  await signUpInBrowser(page, 'Ada', 'ada@example.com');
  await page.getByPlaceholder('New workflow name').fill('Orders');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/w\/[A-Za-z0-9_-]+$/);
  const workflowId = page.url().split('/w/')[1] ?? '';
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');

  // The browser adds a node through the UI.
  await addFromPalette(page, 'httpRequest');
  await expect.poll(shownNames(page)).toEqual(['HTTP Request']);

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

  // Ann invites them in the members panel: Ben to edit, Vic to view; each accepts in their list.
  await ann.getByRole('button', { name: 'Members' }).click();
  await ann.getByLabel('Member email').fill('ben@example.com');
  await ann.getByLabel('Role', { exact: true }).selectOption('editor');
  await ann.getByRole('button', { name: 'Invite', exact: true }).click();
  const pending = ann.getByRole('list', { name: 'Pending invitations' }).getByRole('listitem');
  await expect(pending).toHaveCount(1);
  await ann.getByLabel('Member email').fill('vic@example.com');
  await ann.getByLabel('Role', { exact: true }).selectOption('viewer');
  await ann.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(pending).toHaveCount(2);
  for (const page of [ben, vic]) {
    await page.reload();
    await page.getByRole('button', { name: 'Accept the invitation to Shared' }).click();
    await expect(page.getByRole('link', { name: 'Shared' })).toBeVisible();
  }

  await ben.goto(url);
  await vic.goto(url);
  await expect(ben.getByTestId('sync-status')).toHaveText('Saved');
  await expect(vic.getByTestId('sync-status')).toHaveText('Saved');
  await expect(vic.locator('.palette-add').first()).toBeDisabled();

  await addFromPalette(ann, 'webhook');
  await ann.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await addFromPalette(ben, 'if');
  for (const page of [ann, ben, vic]) await expect.poll(shownNames(page)).toEqual(['IF', 'Webhook']);

  await canvasNode(ben, 'Webhook').click();
  await ben.keyboard.press('Delete');
  for (const page of [ann, ben, vic]) await expect.poll(shownNames(page)).toEqual(['IF']);
  await ann.screenshot({ path: 'test-results/two-editors-ann.png', fullPage: true });
  await vic.screenshot({ path: 'test-results/viewer-vic.png', fullPage: true });
  await Promise.all(contexts.map((c) => c.close()));
});
