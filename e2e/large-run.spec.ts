import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, openWorkflow } from './editor-helpers.ts';

/**
 * A run too large to download whole: the inspector reads the execution with
 * one page of items per node, pages on through the items route, and pins
 * the whole output (read page by page) when asked.
 */

const COUNT = 1_234;

test('a run of 1,234 items opens with its first page, pages to the last through the items route, and pins whole', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Ann', 'ann-large@example.com');
  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Many rows',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'rows',
          name: 'Rows',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: {
            mode: 'runOnceForAllItems',
            jsCode: `return Array.from({ length: ${COUNT} }, (_, i) => ({ json: { row: i, label: 'row ' + i } }));`,
          },
        },
      ],
      edges: [{ source: 'go', target: 'rows' }],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await openWorkflow(page, `/w/${id}`);

  const detailRead = page.waitForResponse((r) => /\/api\/executions\/[^/?]+\?items=\d+$/.test(r.url()));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  // The execution came with one page of the node's items and their count, not all of them.
  const detail = (await (await detailRead).json()) as {
    nodeRuns: { nodeId: string; output: { main: unknown[] }; outputCounts: { main: number } }[];
  };
  const rows = detail.nodeRuns.find((r) => r.nodeId === 'rows');
  expect(rows?.output.main).toHaveLength(50);
  expect(rows?.outputCounts.main).toBe(COUNT);

  await canvasNode(page, 'Rows').click();
  const output = page.getByRole('region', { name: 'Output', exact: true });
  await expect(output.getByText(`Output: ${COUNT} items`)).toBeVisible();
  await expect(output.getByRole('cell', { name: 'row 0', exact: true })).toBeVisible();
  // Page 2 and the last page come from the items route.
  const pageRead = page.waitForResponse((r) => r.url().includes('/items?') && r.url().includes('offset=50'));
  await output.getByRole('button', { name: 'Next' }).click();
  expect((await pageRead).status()).toBe(200);
  await expect(output.getByRole('cell', { name: 'row 50', exact: true })).toBeVisible();
  await expect(output.getByText(`51–100 of ${COUNT}`)).toBeVisible();
  for (let i = 0; i < 23; i++) await output.getByRole('button', { name: 'Next' }).click();
  await expect(output.getByText(`1201–${COUNT} of ${COUNT}`)).toBeVisible();
  await expect(output.getByRole('cell', { name: `row ${COUNT - 1}`, exact: true })).toBeVisible();
  await expect(output.getByRole('button', { name: 'Next' })).toBeDisabled();

  // Pinning takes every item, not the page on screen.
  const pins = page.getByRole('region', { name: 'Pinned data' });
  await pins.getByRole('button', { name: 'Pin this output' }).click();
  await expect(pins.getByTestId('pin-summary')).toContainText(`Pinned by you · ${COUNT} items`);
  const exported = (await (await page.request.get(`/api/workflows/${id}/export`)).json()) as {
    pins?: Record<string, { row: number }[]>;
  };
  expect(exported.pins?.rows?.map((i) => i.row)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  await page.screenshot({ path: 'test-results/large-run.png' });
});
