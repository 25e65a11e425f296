import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, openWorkflow } from './editor-helpers.ts';

/**
 * A sub-workflow's progress shows in the parent (docs/plans/n8n-daily.md §12): the parent's Execute Workflow
 * node shows how far the child is (Execute Workflow Trigger → Wait 1 s → Set: 0/3 … 3/3) while it waits,
 * then the result; Open sub-execution shows the child's run, which links back to its caller.
 */

const node = (id: string, name: string, type: string, x: number, parameters: Record<string, unknown> = {}) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

test('a sub-workflow’s progress shows in the parent, then its result; both runs link to each other', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Ann', 'ann-subflows@example.com');
  const child = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Slow child',
      nodes: [
        node('in', 'Called', 'executeWorkflowTrigger', 0),
        node('wait', 'Wait', 'wait', 260, { amount: 1, unit: 'seconds' }),
        node('tag', 'Tag', 'set', 520, { assignments: [{ name: 'done', value: 'yes', type: 'string' }] }),
      ],
      edges: [
        { source: 'in', target: 'wait' },
        { source: 'wait', target: 'tag' },
      ],
    },
  });
  expect(child.status()).toBe(201);
  const { id: childId } = (await child.json()) as { id: string };
  expect((await page.request.post(`/api/workflows/${childId}/publish`)).status()).toBe(200);
  const parent = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Parent',
      nodes: [
        node('go', 'Go', 'manualTrigger', 0),
        node('call', 'Call child', 'executeWorkflow', 260, { workflowId: childId }),
      ],
      edges: [{ source: 'go', target: 'call' }],
    },
  });
  const { id: parentId } = (await parent.json()) as { id: string };
  await openWorkflow(page, `/w/${parentId}`);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const progress = canvasNode(page, 'Call child').getByTestId('child-progress');
  // While the child waits, its progress is on the parent's node: running, not all done.
  await expect(progress).toHaveAttribute('data-status', 'running');
  await expect(progress).toHaveAttribute('data-total', '3');
  const doneWhileRunning = Number(await progress.getAttribute('data-done'));
  expect(doneWhileRunning).toBeLessThan(3);
  await page.screenshot({ path: 'test-results/subworkflows-running.png' });
  // Then the result.
  await expect(progress).toHaveAttribute('data-status', 'succeeded');
  await expect(progress).toHaveText('3/3');
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(canvasNode(page, 'Call child').getByTestId('run-badge')).toHaveText('1 item');
  await page.screenshot({ path: 'test-results/subworkflows-done.png' });

  // Open sub-execution shows the child's run; it links back to the run that called it.
  await canvasNode(page, 'Call child').click();
  // The inspector reads what the child's trigger declares (it accepts all data: nothing to map).
  await page.getByRole('button', { name: 'Load inputs from the workflow' }).click();
  await expect(page.getByText('That workflow accepts all data: nothing to map.')).toBeVisible();
  await page.getByTestId('open-sub-execution').click();
  await expect(page).toHaveURL(new RegExp(`/w/${childId}\\?execution=`));
  await expect(page.getByTestId('sync-status')).toHaveText('Saved');
  const panel = page.getByRole('complementary', { name: 'Executions panel' });
  await expect(panel.getByTestId('called-by')).toBeVisible();
  // The child's run is picked in its executions panel, with its log.
  await expect(panel.locator('li.viewed .run-chip')).toHaveText('succeeded');
  await expect(panel.locator('li.viewed')).toContainText('(3 node runs)');
  await page.screenshot({ path: 'test-results/subworkflows-child.png' });
  await panel.getByTestId('called-by').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/w/${parentId}\\?execution=`));
  await expect(page.getByRole('complementary', { name: 'Executions panel' }).getByTestId('called-runs')).toContainText(
    'Called 1 workflow run',
  );
});

test('Load inputs from the workflow reads the named version the node calls', async ({ page }) => {
  await signUpInBrowser(page, 'Ann', 'ann-named-inputs@example.com');
  const child = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Named child',
      nodes: [
        node('in', 'Called', 'executeWorkflowTrigger', 0, {
          inputSource: 'workflowInputs',
          workflowInputs: [
            { name: 'orderId', type: 'number' },
            { name: 'note', type: 'string' },
          ],
        }),
      ],
      edges: [],
    },
  });
  expect(child.status()).toBe(201);
  const { id: childId } = (await child.json()) as { id: string };
  // Never published: only the named version can answer.
  expect(
    (await page.request.post(`/api/workflows/${childId}/versions`, { data: { name: 'Release 1' } })).status(),
  ).toBe(201);
  const parent = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Caller',
      nodes: [
        node('go', 'Go', 'manualTrigger', 0),
        node('call', 'Call child', 'executeWorkflow', 260, {
          workflowId: childId,
          version: 'named',
          versionName: 'Release 9',
        }),
      ],
      edges: [{ source: 'go', target: 'call' }],
    },
  });
  const { id: parentId } = (await parent.json()) as { id: string };
  await openWorkflow(page, `/w/${parentId}`);
  await canvasNode(page, 'Call child').click();
  const load = page.getByRole('button', { name: 'Load inputs from the workflow' });
  await load.click();
  await expect(page.getByText(`Workflow ${childId} has no version named "Release 9"`)).toBeVisible();
  const name = page.getByRole('textbox', { name: 'Version name', exact: true });
  await name.fill('Release 1');
  await load.click();
  await expect(page.getByText("2 inputs from the workflow's trigger.")).toBeVisible();
  // The rows are in the document: the named version's fields, in its order.
  await expect
    .poll(async () => {
      const exported = (await (await page.request.get(`/api/workflows/${parentId}/export`)).json()) as {
        nodes: { id: string; parameters: { workflowInputs?: { name: string; type: string }[] } }[];
      };
      return exported.nodes.find((n) => n.id === 'call')?.parameters.workflowInputs?.map((r) => `${r.name}:${r.type}`);
    })
    .toEqual(['orderId:number', 'note:string']);
  await page.screenshot({ path: 'test-results/subworkflows-named-inputs.png' });
});
