import { devices, type Page } from '@playwright/test';
import { annAndBen, canvasNode, createWorkflow, share } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * On a phone-sized screen with touch (Chromium as a Pixel 7): the workflow
 * list, a workflow with its run and stop, comments and the inbox are usable,
 * and nothing overflows sideways.
 */
const phone = devices['Pixel 7'];

const noSidewaysScroll = async (page: Page) =>
  expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth))
    .toBeLessThanOrEqual(0);

test('on a phone: the list, a run, comments and the inbox', async ({ browser, weft }) => {
  const { a, contexts } = await annAndBen(browser, weft.baseURL, 'phone');
  const { id, path } = await createWorkflow(a, 'Phone orders');
  const res = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Phone run',
      nodes: [
        { id: 'start', type: 'manualTrigger', typeVersion: 1, name: 'Start', position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'wait',
          type: 'wait',
          typeVersion: 1,
          name: 'Wait',
          position: { x: 300, y: 0 },
          parameters: { amount: 30, unit: 'seconds' },
        },
      ],
      edges: [{ source: 'start', sourceHandle: 'main', target: 'wait', targetHandle: 'main' }],
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  const runnable = ((await res.json()) as { id: string }).id;

  const context = await browser.newContext({ ...phone, baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Cy', 'cyphone@example.com');
  await share(a, page, id, 'cyphone@example.com', 'editor');
  await share(a, page, runnable, 'cyphone@example.com', 'editor');

  // The list.
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Phone orders' })).toBeVisible();
  await noSidewaysScroll(page);
  await page.screenshot({ path: 'test-results/mobile-list.png' });

  // A workflow: the canvas has the width; Run starts it and Stop stops it.
  await page.getByRole('link', { name: 'Phone run' }).tap();
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  await expect(page.getByRole('complementary', { name: 'Node palette' })).toHaveCount(0);
  await expect(canvasNode(page, 'Wait')).toBeVisible();
  await noSidewaysScroll(page);
  await page.getByRole('button', { name: 'Run', exact: true }).tap();
  await expect(page.getByTestId('run-status')).toHaveText(/running|queued/);
  await page.getByRole('button', { name: 'Executions' }).tap();
  const executions = page.getByRole('complementary', { name: 'Executions' });
  await executions.getByRole('button', { name: 'Stop' }).first().tap();
  await expect(page.getByTestId('run-status')).toHaveText(/canceled|failed/);
  await page.screenshot({ path: 'test-results/mobile-run.png' });

  // Comments: read Ann's, write one, resolve.
  await page.goto(`/w/${id}`);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  await page.getByRole('button', { name: 'Comments' }).tap();
  const panel = page.getByRole('complementary', { name: 'Comments' });
  await panel.getByRole('combobox', { name: 'Comment on the workflow' }).fill(`Checked on my phone`);
  await panel.getByRole('button', { name: 'Comment', exact: true }).tap();
  await expect(panel.getByTestId('thread')).toContainText('Checked on my phone');
  await noSidewaysScroll(page);
  await page.screenshot({ path: 'test-results/mobile-comments.png' });
  await panel.getByRole('button', { name: 'Resolve thread' }).tap();
  await expect(panel.getByTestId('thread')).toHaveCount(0);

  // The inbox: Ann mentions Cy; the phone's inbox lists it and opens the thread.
  await a.goto(path);
  await a.getByRole('button', { name: 'Comments' }).click();
  const hers = a.getByRole('complementary', { name: 'Comments' });
  await hers.getByRole('combobox', { name: 'Comment on the workflow' }).pressSequentially('Thanks @Cy');
  await hers.getByRole('option', { name: /Cy/ }).click();
  await hers.getByRole('button', { name: 'Comment', exact: true }).click();
  await page.goto('/inbox');
  const item = page.getByRole('list', { name: 'Inbox' }).getByRole('button');
  await expect(item).toContainText('Ann mentioned you in Phone orders');
  await noSidewaysScroll(page);
  await page.screenshot({ path: 'test-results/mobile-inbox.png' });
  await item.tap();
  await expect(
    page.getByRole('complementary', { name: 'Comments' }).locator('[data-testid="thread"].focused'),
  ).toContainText('Thanks @Cy');
  await context.close();
  await Promise.all(contexts.map((c) => c.close()));
});
