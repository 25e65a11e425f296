import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The executions page (docs/plans/home-insights.md §3): Ann has it open when a webhook call fails a run of
 * her workflow; the failed run appears on the page by itself (the live feed, no reload), she picks it and
 * retries it from the page, and the retry's row appears too. Opening a run shows it in its workflow's editor.
 */

test('a failing webhook run appears live on the executions page and is retried from there', async ({
  browser,
  weft,
}) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const a = await context.newPage();
  await signUpInBrowser(a, 'Ann', 'ann-executions@example.com');

  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Orders intake',
      nodes: [
        {
          id: 'hook',
          name: 'Webhook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'orders/e2e-runs-page', httpMethod: 'POST' },
        },
        {
          id: 'stop',
          name: 'Stop and Error',
          type: 'stopAndError',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: { errorMessage: '={{ "Order " + $json.body.order + " was refused" }}' },
        },
      ],
      edges: [{ source: 'hook', target: 'stop' }],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  expect((await a.request.post(`/api/workflows/${id}/publish`)).status()).toBe(200);
  expect((await a.request.post(`/api/workflows/${id}/activate`)).status()).toBe(200);

  // The page, from the top bar's link; nothing has run yet.
  await a.getByRole('link', { name: 'Executions' }).click();
  await expect(a).toHaveURL(/\/executions$/);
  await expect(a.getByRole('heading', { name: 'Executions' })).toBeVisible();
  await expect(a.getByText('No runs match.')).toBeVisible();
  // A mark on this document: if the page reloaded, it would be gone.
  await a.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

  const called = await a.request.post('/webhook/orders/e2e-runs-page', { data: { order: 42 } });
  expect(called.status()).toBe(200);

  const table = a.getByRole('table', { name: 'Executions' });
  const failed = table.locator('tbody tr[data-status="failed"]');
  await expect(failed).toHaveCount(1, { timeout: 15_000 });
  await expect(failed).toContainText('Orders intake');
  await expect(failed).toContainText('webhook');
  await expect(failed).toContainText('Order 42 was refused');
  expect(await a.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
  await a.screenshot({ path: 'test-results/executions-page-failed.png' });

  // Pick it and retry the failed ones: the confirm names the count.
  await failed.getByRole('checkbox').check();
  const retryPicked = a.getByRole('button', { name: 'Retry failed (1)' });
  await expect(retryPicked).toBeEnabled();
  const asked = new Promise<string>((resolve) => {
    a.once('dialog', (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    });
  });
  await retryPicked.click();
  expect(await asked).toBe('Retry 1 failed run?');
  await expect(a.getByRole('status')).toContainText('Retried 1 of 1.');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  // The retry runs the same version with the same request: it fails the same way, marked as a retry.
  const retried = rows.first();
  await expect(retried).toContainText('retry');
  await expect(retried).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  await expect(retried).toContainText('Ann');
  expect(await a.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
  await a.screenshot({ path: 'test-results/executions-page-retried.png' });

  // Filters: failed webhook runs only show the first one; the retry is its own trigger kind.
  await a.getByLabel('Status').selectOption('failed');
  await a.getByLabel('Trigger').selectOption('webhook');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('webhook');
  await a.getByLabel('Trigger').selectOption('retry');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('retry');
  await a.getByLabel('Trigger').selectOption('any');
  await a.getByLabel('Status').selectOption('any');
  await expect(rows).toHaveCount(2);

  // Readable in the dark theme too.
  await a.evaluate(() => localStorage.setItem('weft.theme', JSON.stringify('dark')));
  await a.reload();
  await expect(rows).toHaveCount(2);
  await a.screenshot({ path: 'test-results/executions-page-dark.png' });

  // Open: the run's workflow in the editor, that run picked in its executions panel.
  // The webhook's run is the older of the two: the last row.
  const webhookRun = rows.last();
  await expect(webhookRun).toContainText('webhook');
  const runId = await webhookRun.getAttribute('data-execution');
  await webhookRun.getByRole('link', { name: 'Open' }).click();
  await expect(a).toHaveURL(new RegExp(`/w/${id}\\?execution=${runId ?? ''}$`));
  const viewed = a.getByRole('list', { name: 'Executions' }).locator('li.viewed');
  await expect(viewed).toContainText('webhook');
  await expect(viewed.getByRole('list', { name: 'Execution log' })).toContainText('Order 42 was refused');
  await a.screenshot({ path: 'test-results/executions-page-opened.png' });

  // Back on the page (light theme): runs of another workflow, started while it is open, appear at the top;
  // the workflow filter narrows the list to them.
  const nightly = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Nightly sync',
      nodes: [{ id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } }],
      edges: [],
    },
  });
  expect(nightly.status()).toBe(201);
  const nightlyId = ((await nightly.json()) as { id: string }).id;
  await a.evaluate(() => localStorage.setItem('weft.theme', JSON.stringify('light')));
  await a.goto('/executions');
  await expect(rows).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    expect((await a.request.post(`/api/workflows/${nightlyId}/run`, { data: {} })).status()).toBe(201);
  }
  await expect(table.locator('tbody tr[data-status="succeeded"]')).toHaveCount(2, { timeout: 15_000 });
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('Nightly sync');
  await expect(rows.first()).toContainText('manual');
  await a.screenshot({
    path: process.env.WEFT_UPDATE_SCREENSHOTS ? 'docs/images/executions-page.png' : 'test-results/executions-page.png',
  });
  // The workflow filter finds any workflow by a search the server answers.
  await a.getByLabel('Find a workflow').fill('nightly');
  await expect(a.getByLabel('Workflow', { exact: true }).locator('option')).toHaveText([
    'Every workflow',
    'Nightly sync',
  ]);
  await a.getByLabel('Workflow', { exact: true }).selectOption({ label: 'Nightly sync' });
  await expect(rows).toHaveCount(2);
  await expect(table).not.toContainText('Orders intake');
  await context.close();
});
