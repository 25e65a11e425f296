import { expect, signUpInBrowser, test } from './fixtures.ts';
import { addFromPalette, canvasNode, createWorkflow, openWorkflow } from './editor-helpers.ts';

/**
 * Error workflows (docs/plans/n8n-daily.md §7): Ann builds an error workflow
 * with the Error Trigger from the node picker, names it in a webhook
 * workflow's settings, the webhook's Stop and Error fails a run, and the
 * error workflow's execution list has one `error` run whose trigger output
 * holds the failed execution's id, node and message.
 */

test('a failed webhook run starts the error workflow chosen in the settings', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const a = await context.newPage();
  await signUpInBrowser(a, 'Ann', 'ann-errors@example.com');

  // The error workflow, built in the editor: the Error Trigger and Stop and Error are in the picker.
  const target = await createWorkflow(a, 'On failure');
  await expect(a.locator('.palette-add[data-node-type="stopAndError"]')).toBeVisible();
  await addFromPalette(a, 'errorTrigger');
  await expect(canvasNode(a, 'Error Trigger')).toBeVisible();
  await a.screenshot({ path: 'test-results/error-workflow-target.png' });
  // Published once the server has the trigger: the error run starts at the published version's.
  await expect
    .poll(
      async () =>
        ((await (await a.request.get(`/api/workflows/${target.id}/export`)).json()) as { nodes: unknown[] }).nodes
          .length,
    )
    .toBe(1);
  expect((await a.request.post(`/api/workflows/${target.id}/publish`)).status()).toBe(200);

  // The failing workflow, imported; its error workflow chosen in its settings panel.
  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Orders',
      nodes: [
        {
          id: 'hook',
          name: 'Webhook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'orders/e2e-fail', httpMethod: 'POST' },
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
  await openWorkflow(a, `/w/${id}`);
  await a.getByRole('button', { name: 'Workflow settings' }).click();
  const panel = a.getByRole('complementary', { name: 'Workflow settings' });
  await panel.getByLabel('Error workflow').selectOption({ label: 'On failure' });
  await expect(panel.getByLabel('Also after manual runs')).not.toBeChecked();
  await a.screenshot({ path: 'test-results/error-workflow-settings.png' });
  await expect
    .poll(
      async () =>
        ((await (await a.request.get(`/api/workflows/${id}/export`)).json()) as { settings: unknown }).settings,
    )
    .toEqual({ errorWorkflow: target.id });
  expect((await a.request.post(`/api/workflows/${id}/publish`)).status()).toBe(200);
  expect((await a.request.post(`/api/workflows/${id}/activate`)).status()).toBe(200);

  const called = await a.request.post('/webhook/orders/e2e-fail', { data: { order: 42 } });
  expect(called.status()).toBe(200);
  const failed = await expect
    .poll(async () => {
      const list = (await (await a.request.get(`/api/executions?workflowId=${id}`)).json()) as {
        executions: { id: string; status: string }[];
      };
      return list.executions[0]?.status;
    })
    .toBe('failed')
    .then(async () => {
      const list = (await (await a.request.get(`/api/executions?workflowId=${id}`)).json()) as {
        executions: { id: string }[];
      };
      return list.executions[0]?.id ?? '';
    });

  // The error workflow's execution list: one run of mode "error", its trigger's output the failure.
  await openWorkflow(a, target.path);
  await a.getByRole('button', { name: 'Executions', exact: true }).click();
  const runs = a.getByRole('list', { name: 'Executions' }).getByRole('listitem');
  await expect(runs).toHaveCount(1, { timeout: 15_000 });
  await expect(runs.first().locator('.execution-pick')).toContainText('error');
  await expect(runs.first().locator('.run-chip')).toHaveText('succeeded', { timeout: 15_000 });
  await runs.first().locator('.execution-pick').click();
  await canvasNode(a, 'Error Trigger').click();
  const output = a.getByRole('region', { name: 'Run data' }).getByRole('region', { name: 'Output' });
  await output.getByRole('button', { name: 'JSON' }).click();
  const json = output.locator('.items-json');
  await expect(json).toContainText('Order 42 was refused');
  await expect(json).toContainText(failed);
  await expect(json).toContainText('stopAndError');
  await json.scrollIntoViewIfNeeded();
  await a.screenshot({ path: 'test-results/error-workflow-run.png' });

  // The item's link opens the failed run: its log names the error run.
  await a.goto(`/w/${id}?execution=${failed}`);
  const viewed = a.getByRole('list', { name: 'Executions' }).locator('li.viewed');
  await expect(viewed).toContainText('webhook');
  await expect(viewed.getByRole('list', { name: 'Execution log' })).toContainText(
    `The error workflow ${target.id} runs as execution`,
  );
  await a.screenshot({ path: 'test-results/error-workflow-failed-run.png' });
  await context.close();
});
