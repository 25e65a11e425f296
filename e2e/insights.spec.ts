import { expect, startServer, stopServer, test } from './fixtures.ts';

/**
 * Insights over a seeded history of real runs (docs/plans/home-insights.md §4): a webhook workflow runs N times
 * on the server's engine, some runs failing; the insights page's totals and its runs-by-status chart show them,
 * in both themes. A server of its own, so its numbers are this test's runs only.
 */
test('the insights page shows the runs of a seeded history, in both themes', async ({ browser }) => {
  const started = await startServer();
  try {
    const context = await browser.newContext({
      baseURL: started.server.baseURL,
      viewport: { width: 1280, height: 1100 },
    });
    const page = await context.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ann');
    await page.getByLabel('Email').fill('ann@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect(page.getByPlaceholder('New workflow name')).toBeVisible();

    const node = (id: string, name: string, type: string, parameters: Record<string, unknown>, x: number) => ({
      id,
      name,
      type,
      typeVersion: 1,
      position: { x, y: 0 },
      parameters,
    });
    const imported = await page.request.post('/api/workflows/import', {
      data: {
        weft: 1,
        name: 'Orders intake',
        settings: { minutesSavedPerRun: 3 },
        nodes: [
          node(
            'hook',
            'Order webhook',
            'webhook',
            { path: 'e2e/orders', httpMethod: 'POST', responseMode: 'lastNode' },
            0,
          ),
          node(
            'check',
            'Check order',
            'code',
            { jsCode: "if ($input.first().json.body.fail) throw new Error('declined'); return $input.all();" },
            240,
          ),
        ],
        edges: [{ source: 'hook', target: 'check' }],
      },
    });
    expect(imported.status()).toBe(201);
    const { id } = (await imported.json()) as { id: string };
    expect((await page.request.post(`/api/workflows/${id}/publish`)).status()).toBe(200);
    expect((await page.request.post(`/api/workflows/${id}/activate`)).status()).toBe(200);

    // The history: 9 runs, 3 of them failing at "Check order".
    const outcomes = [false, false, true, false, true, false, false, true, false];
    // The first call waits for the route to listen; every call is one run.
    await expect
      .poll(async () => (await page.request.post('/webhook/e2e/orders', { data: { fail: outcomes[0] } })).status())
      .not.toBe(404);
    for (const fail of outcomes.slice(1)) {
      const res = await page.request.post('/webhook/e2e/orders', { data: { fail } });
      expect(res.status()).not.toBe(404);
    }
    const failed = outcomes.filter(Boolean).length;
    const succeeded = outcomes.length - failed;

    await page.getByRole('link', { name: 'Insights' }).click();
    await expect(page).toHaveURL(/\/insights/);
    await expect(page.getByTestId('stat-Runs')).toHaveText(String(outcomes.length));
    await expect(page.getByTestId('stat-Failure rate')).toHaveText(`${((failed / outcomes.length) * 100).toFixed(1)}%`);
    await expect(page.getByTestId('stat-Time saved')).toHaveText(`${outcomes.length * 3} min`);
    await expect(page.getByText('Check order · Orders intake')).toBeVisible();

    // The chart's bars: its table's rows add up to the seeded runs, and both series are drawn.
    const table = page.getByRole('table', { name: 'Runs by status, as a table' });
    const cells = async (column: number) =>
      (await table.locator(`tbody tr td:nth-child(${column})`).allTextContents()).reduce((n, t) => n + Number(t), 0);
    expect(await cells(2)).toBe(succeeded);
    expect(await cells(3)).toBe(failed);
    const chart = page.getByRole('region', { name: 'Runs over time' });
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
    // The webhook answers were timed (written within two seconds).
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId('stat-Webhook latency p50').textContent();
      })
      .toMatch(/\d+ ms|s$/);

    // One workflow's insights, from its row.
    await page.getByRole('link', { name: 'Orders intake' }).click();
    await expect(page.getByRole('heading', { name: 'Insights: Orders intake' })).toBeVisible();
    await expect(page.getByTestId('stat-Runs')).toHaveText(String(outcomes.length));
    await page.getByRole('button', { name: '7 days' }).click();
    await expect(page.getByTestId('stat-Runs')).toHaveText(String(outcomes.length));
    // The README's picture of insights (`WEFT_UPDATE_SCREENSHOTS=1` refreshes it).
    await page.screenshot({
      path: process.env.WEFT_UPDATE_SCREENSHOTS ? 'docs/images/insights.png' : 'test-results/insights-light.png',
      fullPage: true,
    });

    await page.evaluate(() => localStorage.setItem('weft.theme', JSON.stringify('dark')));
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByTestId('stat-Runs')).toHaveText(String(outcomes.length));
    await page.screenshot({ path: 'test-results/insights-dark.png', fullPage: true });

    // The workflow's settings show its minutes; its toolbar leads back to its insights.
    await page.getByRole('link', { name: 'Open the workflow' }).click();
    await page.getByRole('button', { name: 'Workflow settings' }).click();
    await expect(page.getByLabel('Time saved per run (minutes)')).toHaveValue('3');
    await page.getByRole('button', { name: 'Insights' }).click();
    await expect(page.getByRole('heading', { name: 'Insights: Orders intake' })).toBeVisible();
    await expect(page.getByTestId('stat-Runs')).toHaveText(String(outcomes.length));
    await context.close();
  } finally {
    await stopServer(started);
  }
});
