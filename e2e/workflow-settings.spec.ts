import { expect, test } from './fixtures.ts';
import { addFromPalette, annAndBen, canvasNode, createWorkflow, openWorkflow, share } from './editor-helpers.ts';

/**
 * The workflow's settings panel (time zone, timeout, n8n execution order,
 * what happens when the engine is lost)
 * and the node settings n8n calls "Always Output Data" and "Execute Once",
 * edited in one browser, seen in the other and in the server's export.
 */

test('workflow settings and the n8n node settings are edited, shared and exported', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'settings');
  const { id, path } = await createWorkflow(a, 'Settings');
  await share(a, b, id, benEmail, 'editor');
  await openWorkflow(b, path);

  await addFromPalette(a, 'noOp');
  await expect(a.getByTestId('inspector')).toBeVisible();
  await a.getByLabel('Always output data').check();
  await a.getByLabel('Execute once').check();

  await a.getByRole('button', { name: 'Workflow settings' }).click();
  const panel = a.getByRole('complementary', { name: 'Workflow settings' });
  await panel.getByLabel('Execution order').selectOption('v0');
  await expect(panel.getByLabel('If the engine is lost mid-run')).toHaveValue('fail');
  await panel.getByLabel('If the engine is lost mid-run').selectOption('retry');
  await panel.getByLabel('Time zone').fill('Europe/Berlin');
  await panel.getByLabel('Time zone').press('Enter');
  await panel.getByLabel('Timeout').fill('not a number');
  await panel.getByLabel('Timeout').press('Enter');
  await expect(a.getByRole('alert')).toContainText('The timeout must be a whole number');

  // Ben sees what Ann set.
  await b.getByRole('button', { name: 'Workflow settings' }).click();
  const hisPanel = b.getByRole('complementary', { name: 'Workflow settings' });
  await expect(hisPanel.getByLabel('Execution order')).toHaveValue('v0');
  await expect(hisPanel.getByLabel('If the engine is lost mid-run')).toHaveValue('retry');
  await expect(hisPanel.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  await canvasNode(b, 'No Operation').click();
  await expect(b.getByLabel('Always output data')).toBeChecked();
  await expect(b.getByLabel('Execute once')).toBeChecked();

  await expect
    .poll(async () => {
      const res = await a.request.get(`/api/workflows/${id}/export`);
      const def = (await res.json()) as { settings: unknown; nodes: Record<string, unknown>[] };
      return { settings: def.settings, node: def.nodes.map((n) => [n.alwaysOutputData, n.executeOnce]) };
    })
    .toEqual({
      settings: { timezone: 'Europe/Berlin', executionOrder: 'v0', onEngineLoss: 'retry' },
      node: [[true, true]],
    });
  await Promise.all(contexts.map((c) => c.close()));
});
