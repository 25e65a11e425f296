import type { Page } from '@playwright/test';
import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, centerOf, openWorkflow, serverExport } from './editor-helpers.ts';

/**
 * Level of detail on the canvas (client/src/canvas/level-of-detail.ts):
 * zoomed out, nodes are rectangles in their colour without text, icons,
 * handles or badges and edges straight lines; zoomed in, all of it is back.
 * Asserted on the DOM, not on timing.
 */

const zoomOf = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const style = (document.querySelector('.react-flow__viewport') as HTMLElement).style.transform;
    return Number(/scale\(([\d.]+)\)/.exec(style)?.[1] ?? 1);
  });

test('zooming out draws nodes as simple shapes; zooming in brings labels, handles and badges back', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Lod', 'lod@example.com');
  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Zoom levels',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'data',
          name: 'Data',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: { mode: 'runOnceForAllItems', jsCode: 'return [{ json: { a: 1 } }, { json: { a: 2 } }];' },
        },
        { id: 'check', name: 'Check', type: 'if', typeVersion: 1, position: { x: 520, y: 0 }, parameters: {} },
      ],
      edges: [
        { source: 'go', target: 'data' },
        { source: 'data', target: 'check' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await openWorkflow(page, `/w/${id}`);
  const canvas = page.getByTestId('canvas');
  const edgePaths = page.locator('.react-flow__edge-path');

  // Full detail at 100 %: names, icons, handles (the IF node's two outputs labelled), the run's badges and counts.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(canvas).toHaveAttribute('data-detail', 'full');
  await expect(canvasNode(page, 'Data').locator('.wf-node-name')).toHaveText('Data');
  await expect(canvasNode(page, 'Data').getByTestId('run-badge')).toBeVisible();
  await expect(page.getByTestId('edge-items').first()).toBeVisible();
  const handles = await page.locator('.react-flow__handle').count();
  expect(handles).toBeGreaterThanOrEqual(5);
  await expect(edgePaths).toHaveCount(2);
  const fullPath = await edgePaths.first().getAttribute('d');

  // Zoom out with the controls until the canvas switches.
  for (let i = 0; i < 12 && (await zoomOf(page)) >= 0.4; i++) {
    await page.locator('.react-flow__controls-zoomout').click();
  }
  expect(await zoomOf(page)).toBeLessThan(0.4);
  await expect(canvas).toHaveAttribute('data-detail', 'simple');
  await expect(page.locator('[data-testid="canvas-node"][data-detail="simple"]')).toHaveCount(3);
  await expect(page.locator('.wf-node-name, .wf-node-icon, .react-flow__handle')).toHaveCount(0);
  await expect(page.getByTestId('run-badge')).toHaveCount(0);
  await expect(page.getByTestId('edge-items')).toHaveCount(0);
  // Edges stay, drawn straight between the same ends.
  await expect(edgePaths).toHaveCount(2);
  const simplePath = (await edgePaths.first().getAttribute('d')) ?? '';
  expect(simplePath).not.toBe(fullPath);
  expect(
    simplePath
      .replace(/[^\d.,\s-]/g, ' ')
      .trim()
      .split(/[\s,]+/),
  ).toHaveLength(4);
  await expect(page.locator('[data-node-name="Data"]')).toHaveAttribute('title', 'Data');
  await page.screenshot({ path: 'test-results/canvas-detail-simple.png' });

  // Zoom back in: the full form returns, with handles that still connect.
  for (let i = 0; i < 12 && (await zoomOf(page)) < 0.4; i++) {
    await page.locator('.react-flow__controls-zoomin').click();
  }
  await page.locator('.react-flow__controls-zoomin').click();
  await expect(canvas).toHaveAttribute('data-detail', 'full');
  await expect(canvasNode(page, 'Data').locator('.wf-node-name')).toHaveText('Data');
  await expect(page.locator('.react-flow__handle')).toHaveCount(handles);
  await expect(canvasNode(page, 'Data').getByTestId('run-badge')).toBeVisible();
  await expect(page.getByTestId('edge-items').first()).toBeVisible();
  await expect(edgePaths).toHaveCount(2);
  // The same smooth step as before: the simple form's anchors sat where the handles sit.
  expect(await edgePaths.first().getAttribute('d')).toBe(fullPath);
  await page.screenshot({ path: 'test-results/canvas-detail-full.png' });
});

test('a workflow that opens zoomed out: edges meet the handles once zoomed in, and nodes drag in the simple form', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Far', 'far@example.com');
  const node = (id: string, x: number, y: number) => ({
    id,
    name: id,
    type: 'noOp',
    typeVersion: 1,
    position: { x, y },
    parameters: {},
  });
  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Far apart',
      nodes: [node('A', 0, 0), node('B', 300, 80), node('C', 5000, 0)],
      edges: [
        { source: 'A', target: 'B' },
        { source: 'B', target: 'C' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await openWorkflow(page, `/w/${id}`);
  // Fitted to the whole workflow on open: measured for the first time in the simple form.
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-detail', 'simple');
  await expect(page.locator('.react-flow__edge-path')).toHaveCount(2);

  // Dragging a simple node moves it in the document.
  const before = (await serverExport(page, id)).nodes.find((n) => n.name === 'B')?.position;
  const at = await centerOf(page.locator('[data-node-name="B"]'));
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x, at.y + 30, { steps: 6 });
  await page.mouse.up();
  await expect
    .poll(async () => (await serverExport(page, id)).nodes.find((n) => n.name === 'B')?.position.y)
    .toBeGreaterThan(before?.y ?? Infinity);

  // Zoom in over A and B until the full form returns (without their size changing, React Flow does not measure again).
  const a = await centerOf(page.locator('[data-node-name="A"]'));
  await page.mouse.move(a.x, a.y);
  for (let i = 0; i < 40 && (await zoomOf(page)) < 1; i++) {
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(30);
  }
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-detail', 'full');
  const source = canvasNode(page, 'A').locator('.react-flow__handle.source');
  const target = canvasNode(page, 'B').locator('.react-flow__handle.target');
  await expect(source).toHaveCount(1);
  // The A → B edge starts at A's output handle and ends at B's input handle, on screen.
  const edge = page.locator('.react-flow__edge', { has: page.locator('.react-flow__edge-path') }).first();
  const ends = await edge.locator('.react-flow__edge-path').evaluate((path) => {
    const p = path as SVGPathElement;
    const matrix = p.getScreenCTM();
    if (!matrix) return null;
    const toScreen = (pt: DOMPoint) => pt.matrixTransform(matrix);
    const start = toScreen(p.getPointAtLength(0));
    const end = toScreen(p.getPointAtLength(p.getTotalLength()));
    return { start: { x: start.x, y: start.y }, end: { x: end.x, y: end.y } };
  });
  // React Flow starts an edge at the outer side of the source handle and ends it at the outer side of the target's.
  const s = await source.boundingBox();
  const t = await target.boundingBox();
  if (!ends || !s || !t) throw new Error('edge or handles not on screen');
  expect(Math.abs(ends.start.x - (s.x + s.width))).toBeLessThan(1.5);
  expect(Math.abs(ends.start.y - (s.y + s.height / 2))).toBeLessThan(1.5);
  expect(Math.abs(ends.end.x - t.x)).toBeLessThan(1.5);
  expect(Math.abs(ends.end.y - (t.y + t.height / 2))).toBeLessThan(1.5);
  await page.screenshot({ path: 'test-results/canvas-detail-opened-far.png' });
});
