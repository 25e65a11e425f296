import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, signUpInBrowser, test, type WeftServer } from './fixtures.ts';
import {
  addFromPalette,
  annAndBen,
  canvasNames,
  canvasNode,
  centerOf,
  connectNodes,
  createWorkflow,
  dragNodeBy,
  fit,
  openWorkflow,
  serverExport,
  share,
} from './editor-helpers.ts';

/**
 * The collaborative editor in real Chromium, two browser contexts as two
 * people on one workflow, against the real server.
 */

test.describe.configure({ mode: 'serial' });

let people = 0;

interface Two {
  a: Page;
  b: Page;
  id: string;
  path: string;
  contexts: BrowserContext[];
}

/** Ann creates a workflow and shares it with Ben as `role`; both have it open. */
const twoPeople = async (browser: Browser, weft: WeftServer, role: 'editor' | 'viewer' = 'editor'): Promise<Two> => {
  const n = ++people;
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, String(n));
  const { id, path } = await createWorkflow(a, `Shared ${n}`);
  await share(a, b, id, benEmail, role);
  await openWorkflow(b, path);
  return { a, b, id, path, contexts };
};

const closeAll = (two: Two) => Promise.all(two.contexts.map((c) => c.close()));

/** The canvas as a comparable value: names with positions, and edges by names. */
const canvasState = async (page: Page) =>
  page.evaluate(() => {
    const nodes = [...document.querySelectorAll('.react-flow__node')].map((el) => ({
      id: el.getAttribute('data-id'),
      name: el.querySelector('[data-node-name]')?.getAttribute('data-node-name'),
      transform: (el as HTMLElement).style.transform,
    }));
    const edges = [...document.querySelectorAll('.react-flow__edge')].map((el) => el.getAttribute('data-id'));
    // Code-unit order, as Array.prototype.sort() orders the server's ids.
    return { nodes: nodes.sort((x, y) => (String(x.id) < String(y.id) ? -1 : 1)), edges: edges.sort() };
  });

test('add, move, connect and delete in one browser appear in the other; pointers and selections are visible', async ({
  browser,
  weft,
}) => {
  const two = await twoPeople(browser, weft);
  const { a, b, id } = two;

  await addFromPalette(a, 'webhook');
  // With Webhook selected, a click on IF adds it after Webhook, connected.
  await addFromPalette(a, 'if');
  await addFromPalette(b, 'set');
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(['Edit Fields (Set)', 'IF', 'Webhook']);
  await expect(b.locator('.react-flow__edge')).toHaveCount(1);

  // Ben connects IF's "false" output to Edit Fields; Ann sees the edge.
  await fit(b);
  await connectNodes(b, 'IF', 'false', 'Edit Fields (Set)');
  await expect(a.locator('.react-flow__edge')).toHaveCount(2);
  const exported = await serverExport(a, id);
  const byName = new Map(exported.nodes.map((node) => [node.name, node.id]));
  expect(exported.edges).toContainEqual({
    id: expect.any(String) as unknown,
    source: byName.get('IF'),
    sourceHandle: 'false',
    target: byName.get('Edit Fields (Set)'),
    targetHandle: 'main',
  });

  // Ann moves Webhook; Ben's canvas shows it at the same place.
  const before = (await serverExport(a, id)).nodes.find((node) => node.name === 'Webhook')?.position;
  await fit(a);
  await dragNodeBy(a, 'Webhook', -40, 120);
  await expect
    .poll(async () => (await serverExport(b, id)).nodes.find((node) => node.name === 'Webhook')?.position.y)
    .toBeGreaterThan((before?.y ?? 0) + 40);
  await expect.poll(async () => (await canvasState(b)).nodes).toEqual((await canvasState(a)).nodes);

  // Ann's pointer and selection show on Ben's canvas, in her colour.
  await canvasNode(a, 'IF').click();
  const pointer = await centerOf(canvasNode(a, 'IF'));
  await a.mouse.move(pointer.x + 3, pointer.y + 3);
  await expect(b.getByTestId('remote-cursor')).toHaveAttribute('data-peer-name', 'Ann');
  await expect(canvasNode(b, 'IF').getByTestId('remote-selection')).toBeVisible();
  await expect(b.getByTestId('avatars').getByRole('button', { name: 'Follow Ann' })).toBeVisible();

  // Ben deletes Edit Fields with the keyboard; it and its edge are gone for Ann.
  await canvasNode(b, 'Edit Fields (Set)').click();
  await b.keyboard.press('Delete');
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(['IF', 'Webhook']);
  await expect(a.locator('.react-flow__edge')).toHaveCount(1);
  await a.screenshot({ path: 'test-results/editor-two-people-ann.png' });
  await b.screenshot({ path: 'test-results/editor-two-people-ben.png' });
  await closeAll(two);
});

test('two people typing into the same code parameter at once both keep their text', async ({ browser, weft }) => {
  const two = await twoPeople(browser, weft);
  const { a, b, id } = two;
  await addFromPalette(a, 'code');
  await expect.poll(canvasNames(b)).toEqual(['Code']);
  await canvasNode(b, 'Code').click();
  for (const page of [a, b]) await expect(page.getByTestId('inspector')).toBeVisible();

  const editorOf = (page: Page) => page.locator('[data-param="jsCode"] .cm-content');
  // The field's text without the other person's caret label.
  const textOf = (page: Page) =>
    editorOf(page).evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
      return [...copy.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
    });
  // Both clear to a known start, then type at once.
  await editorOf(a).click();
  await a.keyboard.press('Control+A');
  await a.keyboard.press('Delete');
  await expect.poll(() => textOf(b)).toBe('');
  await editorOf(b).click();
  await Promise.all([
    a.keyboard.type('const fromAnn = 1;', { delay: 15 }),
    b.keyboard.type('const fromBen = 2;', { delay: 15 }),
  ]);
  await expect.poll(async () => (await textOf(a)) === (await textOf(b)) && (await textOf(a)).length).toBe(36);
  const text = await textOf(a);
  // Each person's characters survive, in their order (they may interleave where both typed).
  const keeps = (typed: string) => {
    let i = 0;
    for (const ch of text) if (ch === typed[i]) i++;
    return i === typed.length;
  };
  expect(keeps('const fromAnn = 1;')).toBe(true);
  expect(keeps('const fromBen = 2;')).toBe(true);
  await expect.poll(async () => (await serverExport(a, id)).nodes[0]?.parameters.jsCode).toBe(text);
  // Each sees the other's caret in the field.
  await expect(a.locator('[data-param="jsCode"] .cm-ySelectionCaret')).toHaveCount(1);
  await expect(a.getByTestId('inspector').getByTestId('peers-editing').first()).toContainText('Ben');
  await a.screenshot({ path: 'test-results/editor-code-together.png' });
  await closeAll(two);
});

test('one person offline: both edit, and after reconnecting both canvases equal the server export', async ({
  browser,
  weft,
}) => {
  const two = await twoPeople(browser, weft);
  const { a, b, id, contexts } = two;
  await addFromPalette(a, 'manualTrigger');
  await expect.poll(canvasNames(b)).toEqual(['Manual Trigger']);

  await contexts[0]?.setOffline(true);
  await expect(a.getByTestId('sync-status')).toHaveText('Offline');
  await a.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await addFromPalette(a, 'httpRequest');
  await fit(a);
  await dragNodeBy(a, 'Manual Trigger', 0, -60);
  await b.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await addFromPalette(b, 'noOp');
  await fit(a);
  await expect.poll(canvasNames(a)).toEqual(['HTTP Request', 'Manual Trigger']);
  await expect.poll(canvasNames(b)).toEqual(['Manual Trigger', 'No Operation']);

  await contexts[0]?.setOffline(false);
  await expect(a.getByTestId('sync-status')).toHaveText('Saved');
  const expected = ['HTTP Request', 'Manual Trigger', 'No Operation'];
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(expected);
  await expect.poll(async () => (await serverExport(b, id)).nodes.map((n) => n.name).sort()).toEqual(expected);
  const server = await serverExport(b, id);
  for (const page of [a, b]) {
    const shown = await canvasState(page);
    expect(shown.nodes.map((n) => n.id)).toEqual(server.nodes.map((n) => n.id).sort());
    for (const node of server.nodes) {
      const onCanvas = shown.nodes.find((n) => n.id === node.id);
      expect(onCanvas?.transform).toBe(`translate(${node.position.x}px, ${node.position.y}px)`);
    }
  }
  await closeAll(two);
});

test('a reload while offline opens the editor with the last state', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Olga', 'olga@example.com');
  const { path } = await createWorkflow(page, 'Offline one');
  await addFromPalette(page, 'webhook');
  await addFromPalette(page, 'set');
  await expect.poll(canvasNames(page)).toEqual(['Edit Fields (Set)', 'Webhook']);
  // The service worker has taken over the page once it controls it.
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');

  await context.setOffline(true);
  await expect(page.getByTestId('sync-status')).toHaveText('Offline');
  await canvasNode(page, 'Edit Fields (Set)').click();
  await page.keyboard.press('Delete');
  await expect.poll(canvasNames(page)).toEqual(['Webhook']);
  await page.reload();
  await expect(page.getByTestId('sync-status')).toHaveText('Offline');
  await expect.poll(canvasNames(page)).toEqual(['Webhook']);
  await expect(page.getByLabel('Workflow name')).toHaveValue('Offline one');
  // The workflow list opens offline too.
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Offline one' })).toBeVisible();
  await page.goto(path);
  await expect.poll(canvasNames(page)).toEqual(['Webhook']);
  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  await context.close();
});

test("undo reverts my change and leaves the other person's", async ({ browser, weft }) => {
  const two = await twoPeople(browser, weft);
  const { a, b, id } = two;
  await addFromPalette(a, 'webhook');
  await expect.poll(canvasNames(b)).toEqual(['Webhook']);
  await b.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await addFromPalette(b, 'code');
  await expect.poll(canvasNames(a)).toEqual(['Code', 'Webhook']);
  const start = (await serverExport(a, id)).nodes.find((n) => n.name === 'Webhook')?.position;
  await fit(a);
  await dragNodeBy(a, 'Webhook', 0, 100);
  await expect
    .poll(async () => (await serverExport(a, id)).nodes.find((n) => n.name === 'Webhook')?.position)
    .not.toEqual(start);

  // Ann undoes: first her move (one step for the whole drag), then her add. Ben's Code stays.
  await a.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await a.keyboard.press('Control+z');
  await expect
    .poll(async () => (await serverExport(b, id)).nodes.find((n) => n.name === 'Webhook')?.position)
    .toEqual(start);
  await a.keyboard.press('Control+z');
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(['Code']);
  // Nothing of Ben's to undo for Ann.
  await a.keyboard.press('Control+z');
  await expect.poll(canvasNames(b)).toEqual(['Code']);
  // Redo brings hers back.
  await a.keyboard.press('Control+Shift+z');
  for (const page of [a, b]) await expect.poll(canvasNames(page)).toEqual(['Code', 'Webhook']);
  await closeAll(two);
});

test('a viewer sees edits live and cannot change anything', async ({ browser, weft }) => {
  const two = await twoPeople(browser, weft, 'viewer');
  const { a, b, id } = two;
  await addFromPalette(a, 'webhook');
  await addFromPalette(a, 'code');
  await expect.poll(canvasNames(b)).toEqual(['Code', 'Webhook']);
  await expect(b.getByText('viewers cannot change it')).toBeVisible();
  await expect(b.locator('.palette-add').first()).toBeDisabled();

  // Dragging, deleting and typing do nothing, locally or on the server.
  const before = await serverExport(a, id);
  await fit(b);
  await dragNodeBy(b, 'Webhook', 100, 100);
  await canvasNode(b, 'Webhook').click();
  await b.keyboard.press('Delete');
  await canvasNode(b, 'Code').click();
  await expect(b.getByTestId('inspector')).toBeVisible();
  await expect(b.getByLabel('Name', { exact: true })).toBeDisabled();
  await b.locator('[data-param="jsCode"] .cm-content').click();
  await b.keyboard.type('hacked');
  await expect.poll(canvasNames(b)).toEqual(['Code', 'Webhook']);
  await expect(b.locator('[data-param="jsCode"] .cm-content')).not.toContainText('hacked');
  expect(await serverExport(a, id)).toEqual(before);

  // Ann keeps editing; Ben sees it live.
  await a.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await addFromPalette(a, 'noOp');
  await expect.poll(canvasNames(b)).toEqual(['Code', 'No Operation', 'Webhook']);
  await b.screenshot({ path: 'test-results/editor-viewer.png' });
  await closeAll(two);
});

test('palette drag and drop, copy and paste into another workflow, duplicate, align, dark theme', async ({
  browser,
  weft,
}) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  await signUpInBrowser(page, 'Cleo', 'cleo@example.com');
  const first = await createWorkflow(page, 'Source');

  // Drag two nodes from the palette onto the canvas.
  const canvas = page.getByTestId('canvas');
  await page.locator('.palette-add[data-node-type="webhook"]').dragTo(canvas, { targetPosition: { x: 200, y: 200 } });
  await page.locator('.palette-add[data-node-type="code"]').dragTo(canvas, { targetPosition: { x: 120, y: 520 } });
  await expect.poll(canvasNames(page)).toEqual(['Code', 'Webhook']);
  await connectNodes(page, 'Webhook', 'main', 'Code');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // Align the two to the same top.
  await page.keyboard.press('Control+a');
  await page.getByRole('button', { name: 'Align top' }).click();
  await expect
    .poll(async () => new Set((await serverExport(page, first.id)).nodes.map((n) => n.position.y)).size)
    .toBe(1);

  // Duplicate: copies next to the originals, with the edge between them.
  await page.keyboard.press('Control+d');
  await expect.poll(canvasNames(page)).toEqual(['Code', 'Code1', 'Webhook', 'Webhook1']);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);

  // Copy the selection (the duplicates) and paste it into another workflow.
  await page.keyboard.press('Control+c');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toMatchObject({ weft: 1, nodes: [{}, {}], edges: [{}] });
  await page.goto('/');
  const second = await createWorkflow(page, 'Target');
  await page.getByTestId('canvas').click({ position: { x: 300, y: 250 } });
  await page.keyboard.press('Control+v');
  await expect.poll(canvasNames(page)).toEqual(['Code1', 'Webhook1']);
  await expect.poll(async () => (await serverExport(page, second.id)).edges.length).toBe(1);

  // Text that is not a workflow is refused with a message, and nothing changes.
  await page.evaluate(() => navigator.clipboard.writeText('{"nodes": 5}'));
  await page.getByTestId('canvas').click({ position: { x: 300, y: 250 } });
  await page.keyboard.press('Control+v');
  await expect(page.getByRole('alert')).toContainText('Could not paste');
  await expect.poll(canvasNames(page)).toEqual(['Code1', 'Webhook1']);

  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: 'test-results/editor-dark.png' });

  // A click on the minimap's corner moves the view there; scrolling over it zooms.
  const viewport = () => page.locator('.react-flow__viewport').getAttribute('style');
  const before = await viewport();
  await page.getByRole('img', { name: 'Minimap' }).click({ position: { x: 8, y: 8 } });
  await expect.poll(viewport).not.toBe(before);
  const panned = await viewport();
  await page.getByRole('img', { name: 'Minimap' }).hover();
  await page.mouse.wheel(0, -300);
  await expect.poll(viewport).not.toBe(panned);
  expect(await viewport()).toMatch(/scale\((1\.[1-9]|[2-9])/);
  await context.close();
});

test('a node added from the palette while a side panel is open stays in view beside its inspector', async ({
  browser,
  weft,
}) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Dana', 'dana@example.com');
  await createWorkflow(page, 'Narrow');
  await addFromPalette(page, 'manualTrigger');
  await expect(page.getByTestId('inspector')).toBeVisible();
  // Nothing selected: the next node lands in the middle of the canvas as it is now, before its inspector opens.
  await page.getByTestId('inspector').getByRole('button', { name: 'Close the inspector' }).click();
  await expect(page.getByTestId('inspector')).toBeHidden();
  await page.getByRole('button', { name: 'Members' }).click();
  await addFromPalette(page, 'httpRequest');
  await expect(page.getByTestId('inspector')).toBeVisible();

  // The inspector took a third of the canvas; the new node moved with the view, not under the panel.
  const canvasBox = await page.locator('.canvas-box').boundingBox();
  if (!canvasBox) throw new Error('no canvas');
  const inView = async () => {
    const box = await canvasNode(page, 'HTTP Request').boundingBox();
    return (
      box !== null &&
      box.x >= canvasBox.x &&
      box.y >= canvasBox.y &&
      box.x + box.width <= canvasBox.x + canvasBox.width &&
      box.y + box.height <= canvasBox.y + canvasBox.height
    );
  };
  await expect.poll(inView).toBe(true);
  await canvasNode(page, 'HTTP Request').click();
  await expect(page.getByTestId('inspector').locator('[data-param="authentication"] select')).toBeVisible();
  await context.close();
});

test('the workflow list manages members: invite, accept, change the role, remove; cancel an invitation', async ({
  browser,
  weft,
}) => {
  const n = ++people;
  const { a, b, contexts } = await annAndBen(browser, weft.baseURL, String(n));
  await createWorkflow(a, `Team ${n}`);
  await a.goto('/');
  const bensRow = () =>
    b
      .getByRole('list', { name: 'Workflows' })
      .getByRole('listitem')
      .filter({ hasText: `Team ${n}` });
  const membersButton = a.getByRole('button', { name: `Members of Team ${n}` });

  await membersButton.click();
  const members = a.getByRole('region', { name: 'Members' });
  await expect(members).toContainText('The person gets an invitation to accept');
  await members.getByLabel('Member email').fill(`ben${n}@example.com`);
  await members.getByLabel('Role', { exact: true }).selectOption('viewer');
  await members.getByRole('button', { name: 'Invite' }).click();
  const pending = members.getByRole('list', { name: 'Pending invitations' });
  await expect(pending.getByRole('listitem')).toHaveText([new RegExp(`ben${n}@example.com.*viewer`)]);
  await expect(members.getByRole('status')).toContainText('once they accept it');

  // Ben finds the invitation in his list and accepts it.
  await b.reload();
  await b.getByRole('button', { name: `Accept the invitation to Team ${n}` }).click();
  await expect(bensRow()).toContainText('viewer');
  await expect(b.getByRole('region', { name: 'Invitations' })).toHaveCount(0);

  // Ann's panel, opened again, shows him as a member and no pending invitation.
  await membersButton.click();
  await membersButton.click();
  await expect(members.getByLabel('Role of Ben')).toHaveValue('viewer');
  await expect(pending).toHaveCount(0);

  await members.getByLabel('Role of Ben').selectOption('editor');
  await expect(members.getByLabel('Role of Ben')).toHaveValue('editor');
  await b.reload();
  await expect(bensRow()).toContainText('editor');

  await members
    .getByRole('list', { name: 'Members list' })
    .getByRole('listitem')
    .filter({ hasText: 'Ben' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(members.getByText(`ben${n}@example.com`)).toHaveCount(0);
  await b.reload();
  await expect(b.getByText('No workflows yet')).toBeVisible();

  // An invitation to an address nobody uses looks the same, and the owner can cancel it.
  await members.getByLabel('Member email').fill(`nobody${n}@example.com`);
  await members.getByRole('button', { name: 'Invite' }).click();
  await expect(pending.getByRole('listitem')).toHaveCount(1);
  await a.screenshot({ path: 'test-results/workflow-list-members.png' });
  await pending.getByRole('button', { name: `Cancel the invitation of nobody${n}@example.com` }).click();
  await expect(pending).toHaveCount(0);
  await Promise.all(contexts.map((c) => c.close()));
});

test('importing an n8n workflow file from the list opens as a Weft workflow with its nodes', async ({
  browser,
  weft,
}) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Ida', `ida${++people}@example.com`);
  await page.locator('input[type="file"]').setInputFiles('shared/test/fixtures/n8n/switch.rules.workflow.json');
  await expect(page.getByRole('status')).toContainText('Imported');
  // The test-only n8n node it uses is reported, not dropped.
  await expect(page.getByRole('status')).toContainText('"n8n-nodes-testing.testData" is not supported');
  await page.getByRole('listitem').getByRole('link').first().click();
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  await expect
    .poll(canvasNames(page))
    .toEqual(
      [
        'Code',
        'No Operation, do nothing',
        'No Operation, do nothing1',
        'No Operation, do nothing2',
        'Switch1',
        'When clicking "Execute Workflow"',
      ].sort(),
    );
  await expect(page.getByText('First Output')).toBeVisible();
  await page.screenshot({ path: 'test-results/editor-n8n-import.png' });
  await context.close();
});
