import type { Page } from '@playwright/test';
import {
  addFromPalette,
  annAndBen,
  canvasNode,
  createWorkflow,
  fit,
  openWorkflow,
  serverExport,
  share,
} from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/** Replaces a text parameter's content (a CodeMirror field bound to the document). */
const typeParam = async (page: Page, name: string, text: string) => {
  const field = page.locator(`[data-param="${name}"] .cm-content`);
  await field.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
};

/** The URL of the HTTP Request node as the server holds it. */
const serverUrl = (page: Page, workflowId: string) => async () =>
  (await serverExport(page, workflowId)).nodes.find((n) => n.type === 'httpRequest')?.parameters.url;

const serverNames = (page: Page, workflowId: string) => async () =>
  (await serverExport(page, workflowId)).nodes.map((n) => n.name).sort();

/** The id of the newest history entry. */
const entryId = async (page: Page, workflowId: string): Promise<string> => {
  const res = await page.request.get(`/api/workflows/${workflowId}/versions`);
  const { versions } = (await res.json()) as { versions: { id: string }[] };
  return versions[0]?.id ?? '';
};

/** The URL in a page's inspector (open on the HTTP Request node), without others' carets. */
const urlInInspector = (page: Page) => () =>
  page
    .getByTestId('inspector')
    .locator('[data-param="url"] .cm-content')
    .evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
      return [...copy.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
    });

/**
 * Version history between two editors (docs/plans/collaboration.md §12): Ann
 * names a version, changes the URL and adds a step, and compares the version
 * with now on the canvas; she restores it while Ben, offline, renames the
 * other node; both edits hold, and undoing the restore brings her changes
 * back and keeps his.
 */
test('compare a named version with now, restore it while someone else edits, and undo the restore', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'versions');
  const { id, path } = await createWorkflow(a, 'CRM sync');
  await share(a, b, id, benEmail, 'editor');
  await openWorkflow(b, path);

  await addFromPalette(a, 'httpRequest');
  await expect(canvasNode(a, 'HTTP Request')).toBeVisible();
  await addFromPalette(a, 'noOp');
  await expect(canvasNode(a, 'No Operation')).toBeVisible();
  await canvasNode(a, 'HTTP Request').click();
  await typeParam(a, 'url', 'https://a.example');
  await expect.poll(serverUrl(a, id)).toBe('https://a.example');

  await a.getByRole('button', { name: 'Version history' }).click();
  const panel = a.getByRole('complementary', { name: 'Version history' });
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await panel.getByLabel('Version name').fill('before the CRM switch');
  await panel.getByRole('button', { name: 'Save' }).click();
  const named = panel.locator('[data-testid="version"][data-kind="named"]');
  await expect(named).toHaveCount(1);
  await expect(named).toContainText('before the CRM switch');
  await expect(named).toContainText('Ann');

  await canvasNode(a, 'HTTP Request').click();
  await typeParam(a, 'url', 'https://b.example');
  await expect.poll(serverUrl(a, id)).toBe('https://b.example');
  // A step added after it (the palette connects it to the selected node).
  await addFromPalette(a, 'set');
  await expect(canvasNode(a, 'Edit Fields (Set)')).toBeVisible();
  await a.getByRole('button', { name: 'Close the inspector' }).click();

  // (a) Compare with now: the node is marked changed on the canvas, the list reads "URL: a → b".
  await named.getByRole('button', { name: 'Compare with now' }).click();
  const http = a.locator('[data-testid="canvas-node"][data-node-name="HTTP Request"]');
  const noop = a.locator('[data-testid="canvas-node"][data-node-name="No Operation"]');
  await expect(http).toHaveAttribute('data-diff', 'changed');
  await expect(noop).not.toHaveAttribute('data-diff');
  const changes = panel.getByRole('region', { name: 'Changes since this version' });
  await expect(changes.getByTestId('field-change')).toHaveText('URL: https://a.example → https://b.example');
  await expect(a.locator('[data-testid="canvas-node"][data-node-name="Edit Fields (Set)"]')).toHaveAttribute(
    'data-diff',
    'added',
  );
  await expect(changes).toContainText('Connection added: HTTP Request → Edit Fields (Set)');
  await a.getByRole('button', { name: 'Node palette' }).click();
  await fit(a);
  // The README's picture of a version compared with now (`WEFT_UPDATE_SCREENSHOTS=1` refreshes it).
  await a.screenshot({
    path: process.env.WEFT_UPDATE_SCREENSHOTS ? 'docs/images/version-diff.png' : 'test-results/version-diff.png',
  });
  await changes.getByRole('button', { name: 'Close comparison' }).click();
  await expect(http).not.toHaveAttribute('data-diff');
  await expect(changes).toHaveCount(0);

  // (b) Ben, offline (so his edit is concurrent with the restore by construction), renames the other node.
  await contexts[1]?.setOffline(true);
  await expect(b.getByTestId('sync-status')).toHaveText('Offline');
  await canvasNode(b, 'No Operation').click();
  const his = b.getByTestId('inspector');
  await his.getByLabel('Name', { exact: true }).fill('Tag the lead');
  await his.getByLabel('Name', { exact: true }).press('Enter');
  await expect(canvasNode(b, 'Tag the lead')).toBeVisible();

  a.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('People editing now keep the edits');
    void dialog.accept();
  });
  await named.getByRole('button', { name: 'Restore' }).click();
  await expect(a.getByRole('status').filter({ hasText: 'Restored ‘before the CRM switch’' })).toBeVisible();
  await expect(a.getByRole('status').getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect.poll(serverUrl(a, id)).toBe('https://a.example');
  const restoreEntry = panel.locator('[data-testid="version"][data-kind="restore"]');
  await expect(restoreEntry).toHaveCount(1);
  await expect(
    panel.getByTestId('version').filter({ hasText: 'Before restoring ‘before the CRM switch’' }),
  ).toHaveCount(1);

  await contexts[1]?.setOffline(false);
  await expect(b.getByTestId('sync-status')).toHaveText('Saved');
  await expect.poll(serverNames(a, id)).toEqual(['HTTP Request', 'Tag the lead']);
  expect(await serverUrl(a, id)()).toBe('https://a.example');
  expect((await serverExport(a, id)).edges).toHaveLength(1);
  await expect(canvasNode(a, 'Tag the lead')).toBeVisible();
  await expect(canvasNode(b, 'Edit Fields (Set)')).toHaveCount(0);
  await canvasNode(a, 'HTTP Request').click();
  await canvasNode(b, 'HTTP Request').click();
  await expect.poll(urlInInspector(a)).toBe('https://a.example');
  await expect.poll(urlInInspector(b)).toBe('https://a.example');

  // Undo restore: Ann's later URL comes back; Ben's rename, made after the restore began, stays.
  await restoreEntry.getByRole('button', { name: 'Undo restore' }).click();
  await expect(restoreEntry).toContainText('Undone');
  await expect.poll(serverUrl(a, id)).toBe('https://b.example');
  expect(await serverNames(a, id)()).toEqual(['Edit Fields (Set)', 'HTTP Request', 'Tag the lead']);
  expect((await serverExport(a, id)).edges).toHaveLength(2);
  await expect.poll(urlInInspector(a)).toBe('https://b.example');
  await expect.poll(urlInInspector(b)).toBe('https://b.example');
  await expect(canvasNode(b, 'Tag the lead')).toBeVisible();
  await expect(canvasNode(b, 'Edit Fields (Set)')).toBeVisible();

  // The auto version saved before the restore can be named afterwards.
  const auto = panel.locator('[data-testid="version"][data-kind="auto"]');
  await expect(auto).toContainText('Before restoring ‘before the CRM switch’');
  await auto.getByRole('button', { name: 'Name', exact: true }).click();
  await auto.getByLabel('New name').fill('with the b URL');
  await auto.getByRole('button', { name: 'Save' }).click();
  await expect(auto).toContainText('with the b URL');

  // Open shows the named version read-only over the canvas, its parameters in the panel.
  await named.getByRole('button', { name: 'Open' }).click();
  const opened = a.getByRole('region', { name: 'Version canvas (read-only)' });
  await expect(opened.getByTestId('version-canvas-node')).toHaveCount(2);
  await expect(opened.locator('[data-node-name="No Operation"]')).toBeVisible();
  await expect(panel.getByRole('region', { name: 'Version details' })).toContainText('URLhttps://a.example');
  await a.screenshot({ path: 'test-results/version-open.png' });
  await opened.getByRole('button', { name: 'Back to the live workflow' }).click();
  await expect(opened).toHaveCount(0);
  await expect(canvasNode(a, 'Edit Fields (Set)')).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});

test('a commenter sees the history and compares, without naming or restoring', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'versions-commenter');
  const { id, path } = await createWorkflow(a, 'Read only history');
  await addFromPalette(a, 'noOp');
  await expect.poll(serverNames(a, id)).toEqual(['No Operation']);
  expect((await a.request.post(`/api/workflows/${id}/versions`, { data: { name: 'first cut' } })).status()).toBe(201);
  await share(a, b, id, benEmail, 'commenter');
  await openWorkflow(b, path);
  // Since the version: a step added, and the node it followed deleted.
  await addFromPalette(a, 'set');
  await expect(canvasNode(b, 'Edit Fields (Set)')).toBeVisible();
  await canvasNode(a, 'No Operation').click();
  await a.keyboard.press('Delete');
  await expect(canvasNode(b, 'No Operation')).toHaveCount(0);

  await b.getByRole('button', { name: 'Version history' }).click();
  const panel = b.getByRole('complementary', { name: 'Version history' });
  const entry = panel.getByTestId('version').filter({ hasText: 'first cut' });
  await expect(entry).toContainText('Ann');
  await expect(panel.getByRole('button', { name: 'Name this version' })).toHaveCount(0);
  await expect(entry.getByRole('button', { name: 'Restore' })).toHaveCount(0);
  await entry.getByRole('button', { name: 'Compare with now' }).click();
  await expect(b.locator('[data-testid="canvas-node"][data-node-name="Edit Fields (Set)"]')).toHaveAttribute(
    'data-diff',
    'added',
  );
  const ghost = b.getByTestId('diff-ghost');
  await expect(ghost).toHaveAttribute('data-node-name', 'No Operation');
  await expect(ghost).toHaveAttribute('data-diff', 'removed');
  await b.screenshot({ path: 'test-results/version-ghost.png' });
  await expect(
    panel.locator('[data-testid="node-change"][data-status="removed"]').filter({ hasText: 'No Operation' }),
  ).toBeVisible();
  await panel.getByRole('button', { name: 'Close comparison' }).click();
  await expect(ghost).toHaveCount(0);
  // The server refuses a restore from him all the same.
  expect((await b.request.post(`/api/workflows/${id}/versions/${await entryId(b, id)}/restore`)).status()).toBe(403);
  await Promise.all(contexts.map((c) => c.close()));
});

/**
 * A run links to the version it ran (docs/plans/collaboration.md §7.4): after
 * a parameter changes, "Diff against now" from the run marks the node and
 * names the field, and "Show on canvas" draws the version read-only.
 */
test('from a run, diff its version against now and show it on the canvas', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const a = await context.newPage();
  await signUpInBrowser(a, 'Ann', 'ann-run-version@example.com');
  const { id } = await createWorkflow(a, 'Run then change');
  await addFromPalette(a, 'manualTrigger');
  await addFromPalette(a, 'httpRequest');
  await expect(canvasNode(a, 'HTTP Request')).toBeVisible();
  await canvasNode(a, 'HTTP Request').click();
  // Nothing listens there: the run fails fast, and a failed run ran its version all the same.
  await typeParam(a, 'url', 'http://127.0.0.1:9/before');
  await expect.poll(serverUrl(a, id)).toBe('http://127.0.0.1:9/before');
  await a.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(a.getByTestId('run-status')).toHaveText(/succeeded|failed/);

  await typeParam(a, 'url', 'http://127.0.0.1:9/after');
  await expect.poll(serverUrl(a, id)).toBe('http://127.0.0.1:9/after');
  await a.getByRole('button', { name: 'Close the inspector' }).click();

  await a.getByRole('button', { name: 'Executions', exact: true }).click();
  const panel = a.getByRole('complementary', { name: 'Executions panel' });
  const run = panel.getByRole('list', { name: 'Executions' }).getByRole('listitem').first();
  await run.getByRole('button', { name: 'Diff against now' }).click();
  const http = a.locator('[data-testid="canvas-node"][data-node-name="HTTP Request"]');
  await expect(http).toHaveAttribute('data-diff', 'changed');
  const changes = panel.getByRole('region', { name: 'Changes since this version' });
  await expect(changes.getByTestId('field-change')).toHaveText(
    'URL: http://127.0.0.1:9/before → http://127.0.0.1:9/after',
  );

  await run.getByRole('button', { name: 'Show on canvas' }).click();
  await expect(changes).toHaveCount(0);
  await expect(http).not.toHaveAttribute('data-diff');
  await expect(a.getByTestId('version-canvas-node').filter({ hasText: 'HTTP Request' })).toBeVisible();
  // Closing the panel brings the live canvas back.
  await panel.getByRole('button', { name: 'Close executions' }).click();
  await expect(a.getByTestId('version-canvas-node')).toHaveCount(0);
  await context.close();
});
