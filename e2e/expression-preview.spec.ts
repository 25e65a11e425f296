import { expect, signUpInBrowser, test } from './fixtures.ts';
import { canvasNode, openWorkflow } from './editor-helpers.ts';

/**
 * The expression preview: after a run, an expression typed into a field shows
 * its value for the node's first input item, worked out in the browser by the
 * engine's own evaluator (QuickJS in a Web Worker), Luxon and errors included.
 */

test('an expression typed after a run shows its value, updating as it is typed', async ({ browser, weft }) => {
  const context = await browser.newContext({ baseURL: weft.baseURL });
  const page = await context.newPage();
  await signUpInBrowser(page, 'Ana', 'ana-preview@example.com');

  const imported = await page.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Customers',
      settings: { timezone: 'Europe/Berlin' },
      nodes: [
        { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
        {
          id: 'data',
          name: 'Data',
          type: 'code',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          parameters: {
            mode: 'runOnceForAllItems',
            jsCode:
              "return [{ json: { customer: { email: 'ana@example.com', since: '2024-01-15T10:20:30Z' } } }, { json: { customer: { email: 'ben@example.com' } } }];",
          },
        },
        {
          id: 'shape',
          name: 'Shape',
          type: 'set',
          typeVersion: 1,
          position: { x: 520, y: 0 },
          parameters: { mode: 'manual', assignments: [{ name: 'email', value: '', type: 'string' }] },
        },
        {
          id: 'call',
          name: 'Call',
          type: 'httpRequest',
          typeVersion: 1,
          position: { x: 780, y: 0 },
          disabled: true,
          parameters: { url: '' },
        },
      ],
      edges: [
        { source: 'go', target: 'data' },
        { source: 'data', target: 'shape' },
        { source: 'shape', target: 'call' },
      ],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await openWorkflow(page, `/w/${id}`);

  await canvasNode(page, 'Shape').click();
  const value = page
    .getByTestId('inspector')
    .locator('[data-param="assignments"] .list-row')
    .first()
    .getByLabel('Value');
  const preview = page.getByTestId('inspector').getByTestId('expression-preview');

  // Before any run there is nothing to evaluate against, and the preview says so.
  await value.fill('={{ $json.customer.email }}');
  await expect(preview).toContainText('Run the workflow to see a value');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(preview).toContainText('ana@example.com');
  await expect(preview).toContainText('string');

  // It follows the typing (no commit needed), through n8n's extension functions and $('…').
  await value.fill('={{ $json.customer.email.toUpperCase() }}');
  await expect(preview.locator('.preview-value')).toHaveText('ANA@EXAMPLE.COM');
  await value.fill("={{ $('Data').first().json.customer.email.split('@')[1] }}");
  await expect(preview.locator('.preview-value')).toHaveText('example.com');
  await value.fill("={{ $('Data').item.json.customer.email }}");
  await expect(preview.locator('.preview-value')).toHaveText('ana@example.com');
  await value.fill('={{ $input.all().length }}');
  await expect(preview.locator('.preview-value')).toHaveText('2');
  await expect(preview).toContainText('number');

  // Luxon loads on the first date expression, in the workflow's time zone.
  await value.fill("={{ DateTime.fromISO($json.customer.since).toFormat('yyyy-MM-dd HH:mm ZZZZ') }}");
  await expect(preview.locator('.preview-value')).toHaveText('2024-01-15 11:20 GMT+1');

  // A path that is not there is undefined, as in a run; a mistake is shown as the engine reports it, without the
  // node and field (they are right there).
  await value.fill('={{ $json.customer.address }}');
  await expect(preview.locator('.preview-value')).toHaveText('undefined');
  await value.fill("={{ $('Nope').first().json }}");
  await expect(preview.locator('.preview-error')).toContainText("Referenced node doesn't exist");
  await expect(preview.locator('.preview-error')).not.toContainText('Shape');

  // A runaway expression stops at the preview's time limit and the next one still works.
  await value.fill('={{ (() => { while (true) {} })() }}');
  await expect(preview.locator('.preview-error')).toContainText('ms limit');
  await value.fill('={{ 6 * 7 }}');
  await expect(preview.locator('.preview-value')).toHaveText('42');

  await page.screenshot({ path: 'test-results/expression-preview.png' });

  // Mapping: a field dragged from the input's schema onto the field writes the expression that reads it.
  await value.fill('fixed text');
  await value.press('Enter');
  const input = page.getByRole('region', { name: 'Input data' }).getByRole('region', { name: 'Input' });
  await input.getByRole('button', { name: 'Schema' }).click();
  await input.locator('[data-field-path="customer.email"]').dragTo(value);
  await expect(value).toHaveValue('={{ $json.customer.email }}');
  await expect(preview.locator('.preview-value')).toHaveText('ana@example.com');
  // The table view's columns drag too; into an expression, the field is inserted rather than replacing it.
  await input.getByRole('button', { name: 'Table' }).click();
  await expect(input.locator('th')).toHaveText(['customer']);
  await page.screenshot({ path: 'test-results/mapping.png' });
  // The mapping reached the document: the server's copy has it.
  const exported = (await (await page.request.get(`/api/workflows/${id}/export`)).json()) as {
    nodes: { id: string; parameters: { assignments?: { value: string }[] } }[];
  };
  expect(exported.nodes.find((n) => n.id === 'shape')?.parameters.assignments?.[0]?.value).toBe(
    '={{ $json.customer.email }}',
  );

  // The expression editor of a text field completes node names after $(' and the run's fields after $json.
  await canvasNode(page, 'Call').click();
  const url = page.getByTestId('inspector').locator('[data-param="url"] .cm-content');
  await url.click();
  await page.keyboard.type("={{ $('");
  const completions = page.locator('.cm-tooltip-autocomplete');
  await expect(completions.locator('.cm-completionLabel')).toHaveText(['Shape', 'Data', 'Go']);
  // Picked with the mouse: under load the list can still be refreshing when ArrowDown lands.
  await completions
    .getByRole('option')
    .filter({ has: page.locator('.cm-completionLabel', { hasText: /^Data$/ }) })
    .click();
  await expect(url).toHaveText("={{ $('Data')");
  await page.keyboard.type('.first().json.customer.email }}');
  const urlPreview = page
    .getByTestId('inspector')
    .locator('[data-param="url"]')
    .locator('..')
    .getByTestId('expression-preview');
  await expect(urlPreview.locator('.preview-value')).toHaveText('ana@example.com');
  await expect(page.locator('[data-param="url"] .cm-resolvable').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/expression-completion.png' });
  await context.close();
});
