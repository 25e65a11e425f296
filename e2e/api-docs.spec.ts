import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The API's docs page renders in Chromium from Weft's own files (no CDN,
 * nothing from another origin, nothing its Content-Security-Policy refuses)
 * and calls the API with the page's session.
 */

test('/api/docs shows the OpenAPI document and tries a call with the signed-in session', async ({ page, weft }) => {
  // The web app asks who is signed in before sign-up (a 401 it expects): watch only the docs page.
  await signUpInBrowser(page, 'Ann', 'ann-docs@example.com');
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol !== 'data:' && url.origin !== weft.baseURL) problems.push(`request to ${req.url()}`);
  });

  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: /Weft REST API/ })).toBeVisible();
  const me = page.locator('.opblock', { has: page.locator('[data-path="/api/auth/me"]') });
  await expect(me).toBeVisible();
  await expect(page.locator('[data-path="/api/workflows/{id}/publish"]')).toBeVisible();

  // Open GET /api/auth/me, try it: the browser's session cookie answers who is signed in.
  await me.locator('.opblock-summary-control').click();
  await me.getByRole('button', { name: 'Try it out' }).click();
  await me.getByRole('button', { name: 'Execute' }).click();
  const live = me.locator('.live-responses-table tbody');
  await expect(live.locator('.response-col_status').first()).toHaveText('200');
  await expect(live.getByText(/ann-docs@example\.com/).first()).toBeVisible();

  expect(problems).toEqual([]);
});
