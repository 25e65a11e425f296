import { expect, test } from './fixtures.ts';
import { annAndBen, canvasNode, openWorkflow, share } from './editor-helpers.ts';

/**
 * Partial runs in the editor: after a run, changing one node marks it and
 * what follows it as "runs again"; the next Run reuses the unchanged nodes'
 * outputs (marked "reused" on both people's canvases) and the result is right;
 * "Run to here" stops at the chosen node; "Run everything fresh" runs all.
 */

test('change one node and run again: the unchanged upstream nodes are reused, marked, and the result is right', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-partial');
  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Orders',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'fetch',
          name: 'Fetch',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          // A fresh stamp each time it runs: a reused output keeps the first run's.
          parameters: {
            mode: 'runOnceForAllItems',
            jsCode: 'return [{ json: { qty: 3, stamp: Math.random() } }, { json: { qty: 4, stamp: Math.random() } }];',
          },
        },
        {
          id: 'price',
          name: 'Price',
          type: 'set',
          typeVersion: 1,
          position: { x: 520, y: 0 },
          parameters: {
            mode: 'manual',
            includeOtherFields: true,
            assignments: [{ name: 'total', value: '={{ $json.qty * 10 }}', type: 'number' }],
          },
        },
        { id: 'done', name: 'Done', type: 'noOp', typeVersion: 1, position: { x: 780, y: 0 }, parameters: {} },
      ],
      edges: [
        { source: 'go', target: 'fetch' },
        { source: 'fetch', target: 'price' },
        { source: 'price', target: 'done' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await share(a, b, id, benEmail, 'editor');
  await Promise.all([openWorkflow(a, `/w/${id}`), openWorkflow(b, `/w/${id}`)]);

  const detailOfLatest = async () => {
    const list = (await (await a.request.get(`/api/executions?workflowId=${id}`)).json()) as {
      executions: { id: string }[];
    };
    return (await (await a.request.get(`/api/executions/${list.executions[0]?.id ?? ''}`)).json()) as {
      id: string;
      baseExecutionId: string | null;
      nodeRuns: { name: string; origin?: string; output: { main?: { json: Record<string, unknown> }[] } }[];
    };
  };

  // The first run runs everything; afterwards nothing is marked to run again.
  await a.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(a.getByTestId('run-status')).toHaveText('succeeded');
  const first = await detailOfLatest();
  const stamps = first.nodeRuns.find((r) => r.name === 'Fetch')?.output.main?.map((i) => i.json.stamp);
  expect(stamps).toHaveLength(2);
  await expect(a.getByTestId('will-run')).toHaveCount(0);

  // Ann changes Price: it and Done are marked, with the reason; Go and Fetch are not.
  await canvasNode(a, 'Price').click();
  const value = a.getByTestId('inspector').locator('[data-param="assignments"] .list-row').first().getByLabel('Value');
  await value.fill('={{ $json.qty * 100 }}');
  await value.press('Enter');
  await expect(canvasNode(a, 'Price').getByTestId('will-run')).toHaveAttribute('title', /parameters changed/);
  await expect(canvasNode(a, 'Done').getByTestId('will-run')).toHaveAttribute('title', /upstream Price changed/);
  await expect(canvasNode(a, 'Fetch').getByTestId('will-run')).toHaveCount(0);
  await expect(canvasNode(a, 'Go').getByTestId('will-run')).toHaveCount(0);

  // Ben runs: Go and Fetch are reused (marked on both canvases), Price and Done run, and the totals are new.
  await b.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(b.getByTestId('run-status')).toHaveText('succeeded');
  for (const page of [a, b]) {
    await expect(canvasNode(page, 'Fetch').getByTestId('run-badge')).toHaveAttribute('data-origin', 'reused');
    await expect(canvasNode(page, 'Fetch').getByTestId('run-badge')).toHaveText('reused · 2 items');
    await expect(canvasNode(page, 'Price').getByTestId('run-badge')).toHaveAttribute('data-origin', 'ran');
  }
  const second = await detailOfLatest();
  expect(second.baseExecutionId).toBe(first.id);
  expect(Object.fromEntries(second.nodeRuns.map((r) => [r.name, r.origin ?? 'ran']))).toEqual({
    Go: 'reused',
    Fetch: 'reused',
    Price: 'ran',
    Done: 'ran',
  });
  expect(second.nodeRuns.find((r) => r.name === 'Fetch')?.output.main?.map((i) => i.json.stamp)).toEqual(stamps);
  expect(second.nodeRuns.find((r) => r.name === 'Done')?.output.main?.map((i) => i.json.total)).toEqual([300, 400]);
  await expect(a.getByTestId('will-run')).toHaveCount(0);
  await b.screenshot({ path: 'test-results/partial-runs.png' });

  // Run to here on Price: Done does not run.
  await canvasNode(a, 'Price').click();
  await a.getByTestId('inspector').getByRole('button', { name: 'Run to here' }).click();
  await expect(a.getByTestId('run-status')).toHaveText('succeeded');
  const third = await detailOfLatest();
  expect(third.nodeRuns.map((r) => r.name).sort()).toEqual(['Fetch', 'Go', 'Price']);

  // Run everything fresh: Fetch runs again, with new stamps.
  await a.getByRole('button', { name: 'More ways to run' }).click();
  await a.getByRole('menuitem', { name: 'Run everything fresh' }).click();
  await expect
    .poll(async () => (await detailOfLatest()).nodeRuns.find((r) => r.name === 'Fetch')?.origin ?? 'ran')
    .toBe('ran');
  const fresh = await detailOfLatest();
  expect(fresh.nodeRuns.find((r) => r.name === 'Fetch')?.output.main?.map((i) => i.json.stamp)).not.toEqual(stamps);
  await Promise.all(contexts.map((c) => c.close()));
});
