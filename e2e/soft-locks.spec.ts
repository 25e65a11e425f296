import { expect, test } from './fixtures.ts';
import { addFromPalette, annAndBen, canvasNode, createWorkflow, openWorkflow, share } from './editor-helpers.ts';

/**
 * A soft lock: Ann tells others she is reworking a node. Ben sees it on the
 * node and in the inspector, can still edit, and it goes when Ann clears it.
 */
test('a soft lock on a node warns others without stopping them', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'softlock');
  const { id, path } = await createWorkflow(a, 'Soft locks');
  await share(a, b, id, benEmail, 'editor');
  await openWorkflow(b, path);

  await addFromPalette(a, 'noOp');
  const inspector = a.getByTestId('inspector');
  await inspector.getByRole('button', { name: 'Tell others you are reworking this node…' }).click();
  await inspector.getByLabel('What you are doing').fill('switching to the new CRM');
  await inspector.getByLabel('For how long').selectOption({ label: '1 hour' });
  await inspector.getByRole('button', { name: 'Mark' }).click();
  await expect(inspector).toContainText('You marked this node as being reworked until');

  const tag = canvasNode(b, 'No Operation').getByTestId('soft-lock');
  await expect(tag).toContainText('Ann');
  await expect(tag).toHaveAttribute('title', /Ann is reworking this node — switching to the new CRM, until/);
  await canvasNode(b, 'No Operation').click();
  const his = b.getByTestId('inspector');
  await expect(his.getByRole('status').filter({ hasText: 'is reworking this node' })).toContainText(
    'You can still edit it.',
  );
  // A warning, not a barrier: Ben's rename goes through.
  await his.getByLabel('Name', { exact: true }).fill('Renamed by Ben');
  await his.getByLabel('Name', { exact: true }).press('Enter');
  await expect(canvasNode(a, 'Renamed by Ben')).toBeVisible();

  await inspector.getByRole('button', { name: 'Clear' }).click();
  await expect(canvasNode(b, 'Renamed by Ben').getByTestId('soft-lock')).toHaveCount(0);
  await expect(his.getByText('is reworking this node')).toHaveCount(0);
  await Promise.all(contexts.map((c) => c.close()));
});
