import { expect, test } from './fixtures.ts';
import { addFromPalette, annAndBen, canvasNode, createWorkflow, openWorkflow, share } from './editor-helpers.ts';

/**
 * Who changed this (SPEC CHG1): Ann adds a node and types its URL; Ben,
 * selecting the node, reads her name under its header and in the URL's ⓘ.
 */
test('the inspector names who last changed a node and a parameter', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'changes');
  const { id, path } = await createWorkflow(a, 'Who changed');
  await share(a, b, id, benEmail, 'editor');

  await addFromPalette(a, 'httpRequest');
  const url = a.getByTestId('inspector').locator('[data-param="url"] .cm-content');
  await url.click();
  await url.pressSequentially('https://example.com/orders');
  // The index is written in batches (at most every 2 s per room): wait for it as the server answers.
  const nodeId = await canvasNode(a, 'HTTP Request').getAttribute('data-id');
  await expect
    .poll(async () => {
      const res = await b.request.get(`/api/workflows/${id}/changes?target=node:${nodeId}:param:url`);
      return ((await res.json()) as { changes: { user: { name: string } }[] }).changes.map((c) => c.user.name);
    })
    .toEqual(['Ann']);

  await openWorkflow(b, path);
  await canvasNode(b, 'HTTP Request').click();
  const inspector = b.getByTestId('inspector');
  await expect(inspector.getByTestId('last-changes')).toHaveText('Changed by Ann just now');
  await inspector.getByRole('button', { name: 'Who changed URL' }).click();
  await expect(inspector.getByRole('tooltip')).toContainText(/^Ann, just now \(\d+ edits\)$/);
  await inspector.getByRole('button', { name: 'Who changed Method' }).click();
  await expect(inspector.getByRole('tooltip')).toHaveText('No recorded changes');
  await Promise.all(contexts.map((c) => c.close()));
});
