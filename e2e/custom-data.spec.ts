import { expect, signUpInBrowser, test } from './fixtures.ts';
import { openWorkflow } from './editor-helpers.ts';

/**
 * Custom execution data in the executions panel: two runs of an Execution
 * Data node save different values, each run's line shows its key/value chips,
 * and the panel's custom data filter keeps the run that saved the value typed.
 */

test('the executions panel shows each run’s custom data and filters by it', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const a = await context.newPage();
  await signUpInBrowser(a, 'Ann', 'ann-custom-data@example.com');
  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Orders',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
        {
          id: 'save',
          name: 'Execution Data',
          type: 'executionData',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: {
            dataToSave: [
              { key: 'customer', value: '={{ $json.customer }}' },
              { key: 'region', value: '={{ $json.region }}' },
            ],
          },
        },
      ],
      edges: [{ source: 'go', target: 'save' }],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  for (const json of [
    { customer: 'acme', region: 'eu' },
    { customer: 'bolt', region: 'us' },
  ]) {
    const run = await a.request.post(`/api/workflows/${id}/run`, { data: { items: [{ json }] } });
    expect(run.status()).toBe(201);
    const { id: executionId } = (await run.json()) as { id: string };
    await expect
      .poll(
        async () =>
          ((await (await a.request.get(`/api/executions/${executionId}`)).json()) as { status: string }).status,
      )
      .toBe('succeeded');
  }

  await openWorkflow(a, `/w/${id}`);
  await a.getByRole('button', { name: 'Executions', exact: true }).click();
  const runs = a.getByRole('list', { name: 'Executions' }).getByRole('listitem');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0).getByRole('definition')).toHaveText(['bolt', 'us']);
  await expect(runs.nth(1).getByRole('definition')).toHaveText(['acme', 'eu']);
  await expect(runs.nth(1).getByRole('term')).toHaveText(['customer', 'region']);
  await a.screenshot({ path: 'test-results/custom-data-list.png' });

  const search = a.getByRole('search', { name: 'Filter by custom data' });
  await search.getByLabel('Custom data key').fill('region');
  await search.getByLabel('Custom data value').fill('eu');
  await expect(runs).toHaveCount(1);
  await expect(runs.first().getByRole('definition')).toHaveText(['acme', 'eu']);
  await search.getByLabel('Custom data value').fill('mars');
  await expect(runs).toHaveCount(0);
  await expect(a.getByText('No run saved that.')).toBeVisible();
  await search.getByLabel('Custom data key').fill('bad-key');
  await expect(a.getByText('A key is letters, numbers and underscores')).toBeVisible();
  await expect(a.getByRole('list', { name: 'Executions' })).toHaveCount(0);
  await a.screenshot({ path: 'test-results/custom-data-filter.png' });
  await context.close();
});
