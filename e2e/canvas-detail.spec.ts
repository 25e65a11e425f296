import type { Page } from '@playwright/test';
import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, openWorkflow } from './editor-helpers.ts';

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
