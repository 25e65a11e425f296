import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { expect, signUpInBrowser } from './fixtures.ts';

/** Steps the editor tests share; each drives the real UI (or the REST API the UI uses). */

/** Ann and Ben, each signed up in a browser context of their own (`ann${tag}@example.com`, `ben${tag}@…`). */
export const annAndBen = async (
  browser: Browser,
  baseURL: string,
  tag: string,
): Promise<{ a: Page; b: Page; contexts: BrowserContext[]; benEmail: string }> => {
  const contexts = await Promise.all([browser.newContext({ baseURL }), browser.newContext({ baseURL })]);
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!a || !b) throw new Error('no pages');
  const benEmail = `ben${tag}@example.com`;
  await signUpInBrowser(a, 'Ann', `ann${tag}@example.com`);
  await signUpInBrowser(b, 'Ben', benEmail);
  return { a, b, contexts, benEmail };
};

export const createWorkflow = async (page: Page, name: string): Promise<{ id: string; path: string }> => {
  await page.getByPlaceholder('New workflow name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/w\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  const path = new URL(page.url()).pathname;
  return { id: path.split('/w/')[1] ?? '', path };
};

/** `owner` invites `email` to the workflow with `role`, and `invitee` (signed in with that address) accepts. */
export const share = async (
  owner: Page,
  invitee: Page,
  workflowId: string,
  email: string,
  role: 'editor' | 'commenter' | 'viewer',
) => {
  const res = await owner.request.post(`/api/workflows/${workflowId}/members`, { data: { email, role } });
  expect(res.status()).toBe(202);
  const { invitation } = (await res.json()) as { invitation: { id: string } };
  const accepted = await invitee.request.post(`/api/me/invitations/${invitation.id}/accept`);
  expect(accepted.status()).toBe(200);
};

export const openWorkflow = async (page: Page, path: string): Promise<void> => {
  await page.goto(path);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
};

/** The node names on a page's canvas, sorted. */
export const canvasNames = (page: Page) => async (): Promise<string[]> =>
  (
    await page.getByTestId('canvas-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-name') ?? ''))
  ).sort();

export const canvasNode = (page: Page, name: string): Locator =>
  page.locator('.react-flow__node', { has: page.locator(`[data-node-name="${name}"]`) });

export const addFromPalette = async (page: Page, type: string): Promise<void> => {
  await page.locator(`.palette-add[data-node-type="${type}"]`).click();
};

/** The workflow as the server exports it (the server's copy, not the page's). */
export const serverExport = async (page: Page, workflowId: string) => {
  const res = await page.request.get(`/api/workflows/${workflowId}/export`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as {
    nodes: {
      id: string;
      name: string;
      type: string;
      position: { x: number; y: number };
      parameters: Record<string, unknown>;
    }[];
    edges: { source: string; sourceHandle: string; target: string; targetHandle: string }[];
  };
};

/** A node's centre on the page, for pointer gestures. */
export const centerOf = async (locator: Locator): Promise<{ x: number; y: number }> => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Drags from one output handle of a node to the input of another. */
export const connectNodes = async (page: Page, from: string, fromHandle: string, to: string): Promise<void> => {
  const source = canvasNode(page, from).locator(`.react-flow__handle.source[data-handleid="${fromHandle}"]`);
  const target = canvasNode(page, to).locator('.react-flow__handle.target').first();
  const a = await centerOf(source);
  const b = await centerOf(target);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
};

export const dragNodeBy = async (page: Page, name: string, dx: number, dy: number): Promise<void> => {
  const at = await centerOf(canvasNode(page, name).locator('.wf-node-text'));
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + dx / 2, at.y + dy / 2, { steps: 8 });
  await page.mouse.move(at.x + dx, at.y + dy, { steps: 8 });
  await page.mouse.up();
};

/** Fits the view to the whole workflow (the zoom controls' button), so every node is on screen. */
export const fit = async (page: Page): Promise<void> => {
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(50);
};
