import {
  addFromPalette,
  annAndBen,
  canvasNode,
  canvasNames,
  createWorkflow,
  openWorkflow,
  serverExport,
  share,
} from './editor-helpers.ts';
import { expect, test } from './fixtures.ts';

/**
 * Edit modes between an owner (Ann) and an editor (Ben): a lock makes Ben
 * read-only within a second of Ann's click; one pen passes from Ann to Ben
 * when he asks, and back.
 */
test('locking makes an editor read-only within 1 s, and the pen passes between two editors', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'modes');
  const { id, path } = await createWorkflow(a, 'Incidents');
  await share(a, b, id, benEmail, 'editor');
  await addFromPalette(a, 'noOp');
  await openWorkflow(b, path);
  await expect(canvasNode(b, 'No Operation')).toBeVisible();

  // Locked: Ben's banner and read-only canvas within a second of Ann's click.
  await a.getByRole('button', { name: 'Edit mode' }).click();
  const panel = a.getByRole('complementary', { name: 'Edit mode' });
  await panel.getByLabel('Locked').check();
  await panel.getByLabel('Reason').fill('incident #42');
  await panel.getByRole('button', { name: 'Apply' }).click();
  const clicked = Date.now();
  const hisBanner = b.getByTestId('mode-banner');
  await expect(hisBanner).toContainText('Locked by Ann: incident #42', { timeout: 1000 });
  expect(Date.now() - clicked).toBeLessThan(1000);
  await canvasNode(b, 'No Operation').click();
  await expect(b.getByTestId('inspector').getByLabel('Name', { exact: true })).toBeDisabled();
  await expect(a.getByTestId('mode-banner')).toContainText('Owners can still edit.');
  // Runs do not change the workflow: they stay open to editors in every mode.
  await expect(b.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await b.screenshot({ path: 'test-results/edit-modes-locked.png' });

  // Unlocked, then one pen: Ann switches and holds it; Ben asks, Ann hands it over.
  await a.getByTestId('mode-banner').getByRole('button', { name: 'Unlock' }).click();
  await expect(hisBanner).toHaveCount(0);
  await expect(b.getByTestId('inspector').getByLabel('Name', { exact: true })).toBeEnabled();
  await a.getByRole('button', { name: 'Edit mode' }).click();
  await panel.getByLabel('One pen').check();
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(a.getByTestId('mode-banner')).toContainText('You hold the pen');
  await expect(hisBanner).toContainText('Ann holds the pen');
  await expect(b.getByTestId('inspector').getByLabel('Name', { exact: true })).toBeDisabled();
  await hisBanner.getByRole('button', { name: 'Ask for the pen' }).click();
  await expect(a.getByTestId('mode-banner')).toContainText('Ben asked for it');
  await a.screenshot({ path: 'test-results/edit-modes-pen.png' });
  await a.getByTestId('mode-banner').getByRole('button', { name: 'Hand over to Ben' }).click();
  await expect(hisBanner).toContainText('You hold the pen');
  await expect(a.getByTestId('mode-banner')).toContainText('Ben holds the pen');

  // Ben edits; Ann, without the pen, reads.
  const name = b.getByTestId('inspector').getByLabel('Name', { exact: true });
  await name.fill('Renamed with the pen');
  await name.press('Enter');
  await expect.poll(canvasNames(a)).toEqual(['Renamed with the pen']);
  await canvasNode(a, 'Renamed with the pen').click();
  await expect(a.getByTestId('inspector').getByLabel('Name', { exact: true })).toBeDisabled();

  // Ben releases it; Ann takes it back and edits again.
  await hisBanner.getByRole('button', { name: 'Release' }).click();
  await expect(a.getByTestId('mode-banner')).toContainText('nobody holds it');
  await a.getByTestId('mode-banner').getByRole('button', { name: 'Take the pen' }).click();
  await expect(a.getByTestId('inspector').getByLabel('Name', { exact: true })).toBeEnabled();
  await expect(hisBanner).toContainText('Ann holds the pen');
  await Promise.all(contexts.map((c) => c.close()));
});

/**
 * Held changes (docs/decisions.md "Edit modes on the server"): the canvas is
 * read-only while locked, so Ben's held changes are the ones he made offline
 * before the lock reached him. Back online he sees how many the server holds;
 * the first time they merge when Ann unlocks, the second time he discards
 * them and his canvas is the server's again.
 */
test('changes made offline before a lock are held, merge on unlock, or are discarded', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'held');
  const { id, path } = await createWorkflow(a, 'Held');
  await share(a, b, id, benEmail, 'editor');
  await addFromPalette(a, 'noOp');
  await openWorkflow(b, path);
  const names = async () => (await serverExport(a, id)).nodes.map((n) => n.name);
  const setMode = async (mode: 'locked' | 'parallel') =>
    expect((await a.request.put(`/api/workflows/${id}/mode`, { data: { mode } })).status()).toBe(200);
  const held = b.getByTestId('held-changes');

  /** Ben renames the node while offline; Ann locks meanwhile; he comes back. */
  const renameOfflineThenLocked = async (from: string, to: string) => {
    await contexts[1]?.setOffline(true);
    await expect(b.getByTestId('sync-status')).toHaveText('Offline');
    await canvasNode(b, from).click();
    const name = b.getByTestId('inspector').getByLabel('Name', { exact: true });
    await name.fill(to);
    await name.press('Enter');
    await expect(canvasNode(b, to)).toBeVisible();
    await setMode('locked');
    await contexts[1]?.setOffline(false);
    await expect(b.getByTestId('mode-banner')).toContainText('Locked by Ann');
  };

  await renameOfflineThenLocked('No Operation', 'Renamed offline');
  await expect(held).toHaveText(/^1 change held — they merge when you can edit again/);
  await expect.poll(names).toEqual(['No Operation']);
  await b.screenshot({ path: 'test-results/edit-modes-held.png' });
  await setMode('parallel');
  await expect.poll(names).toEqual(['Renamed offline']);
  await expect(held).toHaveCount(0);

  await renameOfflineThenLocked('Renamed offline', 'Thrown away');
  await expect(held).toContainText('1 change held');
  b.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('Discard 1 change?');
    void dialog.accept();
  });
  await held.getByRole('button', { name: 'Discard' }).click();
  await expect(canvasNode(b, 'Renamed offline')).toBeVisible();
  await expect(canvasNode(b, 'Thrown away')).toHaveCount(0);
  await expect(b.getByTestId('mode-banner')).toContainText('Locked by Ann');
  await expect(held).toHaveCount(0);
  // Unlocked, nothing of his merges: the change is gone from his device too.
  await setMode('parallel');
  await expect(b.getByTestId('mode-banner')).toHaveCount(0);
  await expect(canvasNode(b, 'Renamed offline')).toBeVisible();
  expect(await names()).toEqual(['Renamed offline']);
  await Promise.all(contexts.map((c) => c.close()));
});
