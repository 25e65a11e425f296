import { readFile } from 'node:fs/promises';
import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, openWorkflow } from './editor-helpers.ts';

/**
 * Files in items (docs/plans/n8n-daily.md §8.2): a run's file shows in the output panel as a chip (name, type,
 * size) and downloads as the file.
 */

test('a file an item carries shows as a chip in the output and input panels and downloads', async ({
  browser,
  weft,
}) => {
  const context = await browser.newContext({ baseURL: weft.baseURL, acceptDownloads: true });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Ann', 'ann-binary@example.com');
  const text = 'name,total\nAna,12\n';
  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Files',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'make',
          name: 'Make',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: {
            jsCode: `return [{ json: { n: 1 }, binary: { data: { data: '${Buffer.from(text).toString('base64')}', mimeType: 'text/csv', fileName: 'totals.csv', bytes: ${text.length} } } }];`,
          },
        },
        { id: 'pass', name: 'Pass', type: 'noOp', typeVersion: 1, position: { x: 520, y: 0 }, parameters: {} },
      ],
      edges: [
        { source: 'go', target: 'make' },
        { source: 'make', target: 'pass' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await openWorkflow(page, `/w/${id}`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');

  await canvasNode(page, 'Make').click();
  const output = page.getByRole('region', { name: 'Run data' }).getByRole('region', { name: 'Output' });
  const chip = output.getByRole('list', { name: 'Files' }).getByRole('listitem');
  await expect(chip).toHaveCount(1);
  await expect(chip).toContainText('totals.csv');
  await expect(chip).toContainText(`text/csv · ${text.length} B`);
  await output.scrollIntoViewIfNeeded();
  await output.screenshot({ path: 'test-results/binary-items-output-chip.png' });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chip.getByRole('link', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('totals.csv');
  expect(await readFile(await download.path(), 'utf8')).toBe(text);

  // The next node's input shows the same file.
  await canvasNode(page, 'Pass').click();
  const input = page.getByRole('region', { name: 'Input data' });
  await expect(input.getByRole('list', { name: 'Files' })).toContainText('totals.csv');
  await context.close();
});
