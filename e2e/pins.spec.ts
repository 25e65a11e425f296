import { expect, test } from './fixtures.ts';
import { annAndBen, canvasNode, openWorkflow, share } from './editor-helpers.ts';

/**
 * Pinned data in the editor: a pin made by one person shows on the other's
 * canvas with who made it, manual runs use it instead of running the node,
 * typed pins are checked (JSON, the 1 MB limit) before they are written.
 */

test('pin a node output, see it on a second page, run with it, edit and unpin it', async ({ browser, weft }) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-pins');
  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Pinned customers',
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'data',
          name: 'Data',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: { mode: 'runOnceForAllItems', jsCode: "return [{ json: { email: 'ana@example.com' } }];" },
        },
        {
          id: 'shape',
          name: 'Shape',
          type: 'set',
          typeVersion: 1,
          position: { x: 520, y: 0 },
          parameters: {
            mode: 'manual',
            assignments: [{ name: 'who', value: '={{ $json.email.toUpperCase() }}', type: 'string' }],
          },
        },
      ],
      edges: [
        { source: 'go', target: 'data' },
        { source: 'data', target: 'shape' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await share(a, b, id, benEmail, 'editor');
  await Promise.all([openWorkflow(a, `/w/${id}`), openWorkflow(b, `/w/${id}`)]);

  // Ann runs, then pins the Code node's output from the run.
  await a.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(a.getByTestId('run-status')).toHaveText('succeeded');
  await canvasNode(a, 'Data').click();
  const pinsA = a.getByRole('region', { name: 'Pinned data' });
  await pinsA.getByRole('button', { name: 'Pin this output' }).click();
  await expect(pinsA.getByTestId('pin-summary')).toContainText('Pinned by you · 1 item');

  // Ben sees the pin on the canvas and who made it.
  await expect(canvasNode(b, 'Data').getByTestId('pin-marker')).toBeVisible();
  await canvasNode(b, 'Data').click();
  await expect(b.getByRole('region', { name: 'Pinned data' }).getByTestId('pin-summary')).toContainText(
    'Pinned by Ann · 1 item',
  );

  // Ann types other items; a syntax error and the size limit are refused with a clear message.
  await pinsA.getByRole('button', { name: 'Edit pinned data' }).click();
  const editor = pinsA.getByLabel('Pinned items (JSON)');
  await editor.fill('[{ "email": "zoe@example.com" ');
  await pinsA.getByRole('button', { name: 'Save pin' }).click();
  await expect(pinsA.getByRole('alert')).toContainText('Not valid JSON');
  await editor.fill(JSON.stringify([{ blob: 'x'.repeat(1_100_000) }]));
  await pinsA.getByRole('button', { name: 'Save pin' }).click();
  await expect(pinsA.getByRole('alert')).toContainText('Pinned data is limited to 1 MB per node');
  await editor.fill('[{ "email": "zoe@example.com" }, { "email": "max@example.com" }]');
  await pinsA.getByRole('button', { name: 'Save pin' }).click();
  await expect(pinsA.getByTestId('pin-summary')).toContainText('Pinned by you · 2 items');

  // Ben runs: the Code node does not run, its pin stands in, and Shape works on the pinned items.
  await b.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(b.getByTestId('run-status')).toHaveText('succeeded');
  await canvasNode(b, 'Shape').click();
  const output = b.getByRole('region', { name: 'Run data' }).getByRole('region', { name: 'Output' });
  await output.getByRole('button', { name: 'JSON' }).click();
  await expect(output.locator('.items-json')).toContainText('ZOE@EXAMPLE.COM');
  await expect(output.locator('.items-json')).toContainText('MAX@EXAMPLE.COM');
  const runs = (await (await b.request.get(`/api/executions?workflowId=${id}`)).json()) as {
    executions: { id: string }[];
  };
  const latest = (await (await b.request.get(`/api/executions/${runs.executions[0]?.id ?? ''}`)).json()) as {
    nodeRuns: { name: string; origin?: string }[];
  };
  expect(latest.nodeRuns.find((r) => r.name === 'Data')?.origin).toBe('pinned');
  await b.screenshot({ path: 'test-results/pins-ben.png' });

  // Execute step on Shape: it runs alone, on Data's pinned items; nothing before it runs.
  await b.getByTestId('inspector').getByRole('button', { name: 'Execute step' }).click();
  await expect
    .poll(async () => {
      const list = (await (await b.request.get(`/api/executions?workflowId=${id}`)).json()) as {
        executions: { id: string; status: string; scope?: string | null }[];
      };
      return list.executions[0]?.scope === 'step' ? list.executions[0].status : 'waiting';
    })
    .toBe('succeeded');
  const stepList = (await (await b.request.get(`/api/executions?workflowId=${id}`)).json()) as {
    executions: { id: string }[];
  };
  const step = (await (await b.request.get(`/api/executions/${stepList.executions[0]?.id ?? ''}`)).json()) as {
    nodeRuns: { name: string; origin?: string; output: { main?: { json: Record<string, unknown> }[] } }[];
  };
  expect(step.nodeRuns.filter((r) => (r.origin ?? 'ran') === 'ran').map((r) => r.name)).toEqual(['Shape']);
  expect(step.nodeRuns.find((r) => r.name === 'Shape')?.output.main?.map((i) => i.json.who)).toEqual([
    'ZOE@EXAMPLE.COM',
    'MAX@EXAMPLE.COM',
  ]);

  // Ann unpins; the marker goes from Ben's canvas too, and undo brings the pin back.
  await pinsA.getByRole('button', { name: 'Unpin' }).click();
  await expect(canvasNode(b, 'Data').getByTestId('pin-marker')).toHaveCount(0);
  await a.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await a.keyboard.press('Control+z');
  await expect(canvasNode(b, 'Data').getByTestId('pin-marker')).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});
