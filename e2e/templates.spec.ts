import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * Templates end to end (docs/plans/n8n-daily.md §12): search the gallery for
 * "uptime", preview it on a read-only canvas, use it with the URL to check
 * and a credential made in the form, and the new workflow opens with the URL
 * set; a run checks a local HTTP server and succeeds.
 */

test.describe.configure({ mode: 'serial' });

let site: Server;
let hits = 0;

test.beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === '/health') hits += 1;
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: req.url === '/health' }));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => site.close(() => resolve()));
});

test('search, preview and use the uptime template; the new workflow checks a local site', async ({ page }) => {
  const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/health`;
  await signUpInBrowser(page, 'Tess', 'tess-templates@example.com');

  await page.getByRole('link', { name: 'From template' }).click();
  await expect(page).toHaveURL(/\/templates$/);
  await expect(page.getByRole('list', { name: 'Templates' }).getByRole('listitem')).toHaveCount(16);
  await page.screenshot({ path: 'test-results/templates-gallery.png' });
  await page.getByLabel('Search templates').fill('uptime');
  const cards = page.getByRole('list', { name: 'Templates' }).getByRole('listitem');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Uptime check with an alert');
  // The picture is an SVG the server drew; it loaded as an image.
  const picture = cards.first().locator('img');
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  await page.getByRole('button', { name: 'Preview Uptime check with an alert' }).click();
  const preview = page.getByRole('dialog', { name: 'Template Uptime check with an alert' });
  await expect(preview.locator('[data-node-name="Check the site"]')).toBeVisible();
  await expect(preview.getByTestId('version-canvas-node')).toHaveCount(5);
  await page.screenshot({ path: 'test-results/templates-preview.png' });

  await preview.getByRole('button', { name: 'Use template' }).click();
  await preview.getByLabel('Workflow name').fill('Watch my site');
  await preview.getByLabel('URL to check').fill(url);
  // The alert's credential is made here, in the form, and chosen at once.
  await preview.getByRole('button', { name: 'Create new' }).click();
  const form = preview.getByRole('form', { name: 'New credential' });
  await form.getByLabel('Credential name').fill('Alert hook');
  await form.getByLabel('Credential type').selectOption({ label: 'Bearer token' });
  await form.getByLabel('Token', { exact: true }).fill('s3cret-token');
  await form.getByRole('button', { name: 'Create credential' }).click();
  await expect(preview.getByLabel('Alert credential')).toHaveValue(/.+/);
  await expect(preview.getByLabel('Alert credential').locator('option:checked')).toHaveText(
    'Alert hook (Bearer token)',
  );

  await preview.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page).toHaveURL(/\/w\/[A-Za-z0-9_-]+$/);
  const workflowId = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect(page.locator('[data-node-name="Check the site"]')).toBeVisible();
  const exported = (await (await page.request.get(`/api/workflows/${workflowId}/export`)).json()) as {
    name: string;
    nodes: { id: string; parameters: Record<string, unknown>; credentials?: Record<string, string> }[];
  };
  expect(exported.name).toBe('Watch my site');
  expect(exported.nodes.find((n) => n.id === 'check')?.parameters.url).toBe(url);
  expect(exported.nodes.find((n) => n.id === 'alert')?.credentials?.httpAuth).toEqual(expect.any(String));

  // The URL shows in the inspector too.
  await page.locator('[data-node-name="Check the site"]').dblclick();
  await expect(page.getByRole('textbox', { name: 'URL' }).first()).toContainText(url);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded', { timeout: 30_000 });
  expect(hits).toBe(1);

  // Its owner saves it back as a template of the instance, asking for the URL; the gallery has it.
  await page.getByRole('button', { name: 'Save as template' }).click();
  const save = page.getByRole('complementary', { name: 'Save as template panel' });
  await save.getByLabel('Template name').fill('Watch a site');
  await save.getByLabel('Category').selectOption('Scheduling');
  await save.getByLabel('Check the site: URL').check();
  await save.getByRole('button', { name: 'Save template' }).click();
  await expect(save.getByRole('status')).toContainText('Saved “Watch a site”');
  await page.goto('/templates');
  await page.getByLabel('Search templates').fill('watch a site');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('by Tess');
});
