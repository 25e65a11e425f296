import { annAndBen, openWorkflow, share } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The home page's workflow list (docs/plans/home-insights.md §2): finding one among hundreds by search and by
 * tag, opening it with the keyboard, and seeing who is in a workflow now (the live feed, §1).
 */

test('finds a workflow among 300 by search and by tag, and opens it with the keyboard', async ({ page }) => {
  test.setTimeout(120_000);
  await signUpInBrowser(page, 'Hana', 'hana-home@example.com');
  // Seeded through the API, a few at a time: bounded and fast.
  const ids: string[] = [];
  for (let start = 0; start < 300; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const i = start + k;
        const name = i === 137 ? 'Needle invoice sync' : `Haystack ${String(i).padStart(3, '0')}`;
        const res = await page.request.post('/api/workflows', { data: { name } });
        expect(res.status()).toBe(201);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  // Every 50th is finance, and the needle too; every 7th is ops.
  for (const [i, id] of ids.entries()) {
    const tags = [...(i % 50 === 0 || i === 137 ? ['finance'] : []), ...(i % 7 === 0 ? ['ops'] : [])];
    for (const name of tags) {
      const res = await page.request.post(`/api/workflows/${id}/tags`, { data: { name } });
      expect(res.status()).toBe(200);
    }
  }

  await page.goto('/');
  const list = page.getByRole('list', { name: 'Workflows' });
  const rows = list.getByRole('listitem');
  // A page at a time: 50 rows, then more with the cursor.
  await expect(rows).toHaveCount(50);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(100);
  await page.screenshot({ path: 'test-results/home-list.png', fullPage: false });

  // `/` focuses the search; the server finds the one.
  await page.locator('body').press('/');
  const search = page.getByRole('searchbox', { name: 'Search workflows' });
  await expect(search).toBeFocused();
  await search.pressSequentially('needle');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Needle invoice sync');
  await expect(rows.first()).toContainText('finance');

  // By tag instead: finance has 6 + the needle.
  await search.fill('');
  await page
    .getByRole('group', { name: 'Filter by tag' })
    .getByRole('button', { name: /^finance/ })
    .click();
  await expect(rows).toHaveCount(7);
  await expect(list.getByRole('link', { name: 'Needle invoice sync' })).toBeVisible();
  // Both tags: only those with each (0 and 150 and 200... every 350th: just 0).
  await page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: /^ops/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Haystack 000');
  await page.screenshot({ path: 'test-results/home-tags.png' });
  await page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: /^ops/ }).click();

  // Keyboard: search, ↓ to the first row, Space selects, Enter opens.
  await search.fill('needle');
  await expect(rows).toHaveCount(1);
  await search.press('ArrowDown');
  await expect(rows.first()).toBeFocused();
  await page.keyboard.press(' ');
  await expect(page.getByRole('toolbar', { name: 'Selected workflows' })).toContainText('1 selected');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/w/${ids[137] ?? 'missing'}$`));
});

test('a second person opening a workflow shows on the first person’s list within a second', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'home');
  try {
    const res = await a.request.post('/api/workflows', { data: { name: 'Together' } });
    const { id } = (await res.json()) as { id: string };
    await share(a, b, id, benEmail, 'editor');
    // A few neighbours with tags and a folder, so the list looks as it does in use (the README's picture).
    for (const [name, tag] of [
      ['Invoices to accounting', 'finance'],
      ['Lead enrichment', 'sales'],
      ['Nightly backup check', 'ops'],
    ] as const) {
      const made = await a.request.post('/api/workflows', { data: { name } });
      const { id: other } = (await made.json()) as { id: string };
      expect((await a.request.post(`/api/workflows/${other}/tags`, { data: { name: tag } })).status()).toBe(200);
    }
    expect((await a.request.post(`/api/workflows/${id}/tags`, { data: { name: 'ops' } })).status()).toBe(200);
    for (const name of ['Clients', 'Internal']) {
      expect((await a.request.post('/api/folders', { data: { name } })).status()).toBe(201);
    }
    await a.goto('/');
    const row = a.getByRole('list', { name: 'Workflows' }).getByRole('listitem').filter({ hasText: 'Together' });
    await expect(row).toBeVisible();
    // The owner and the member, as avatars.
    await expect(row.getByLabel('2 members')).toBeVisible();
    await expect(row.getByRole('group', { name: /In it now/ })).toHaveCount(0);

    await openWorkflow(b, `/w/${id}`);
    const opened = Date.now();
    await expect(row.getByRole('group', { name: 'In it now: Ben' })).toBeVisible({ timeout: 1_000 });
    expect(Date.now() - opened).toBeLessThan(1_000);
    await a.screenshot({
      path: process.env.WEFT_UPDATE_SCREENSHOTS ? 'docs/images/workflow-list.png' : 'test-results/home-live.png',
    });

    // Ben leaves: the avatar goes.
    await b.goto('/');
    await expect(row.getByRole('group', { name: /In it now/ })).toHaveCount(0);

    // A run shows as the row's last run as it happens, without reading the list again.
    const runnable = await a.request.post('/api/workflows/import', {
      data: {
        weft: 1,
        name: 'Runnable',
        nodes: [
          {
            id: 'start',
            name: 'Start',
            type: 'manualTrigger',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            parameters: {},
          },
        ],
        edges: [],
      },
    });
    expect(runnable.status()).toBe(201);
    const { id: runnableId } = (await runnable.json()) as { id: string };
    await a.reload();
    const runRow = a.getByRole('list', { name: 'Workflows' }).getByRole('listitem').filter({ hasText: 'Runnable' });
    await expect(runRow).toContainText('never run');
    expect((await a.request.post(`/api/workflows/${runnableId}/run`)).status()).toBe(201);
    await expect(runRow).toContainText('succeeded');
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test('selects a range with Shift+click and tags, files and deletes it; the Active switch shows a refusal', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Kai', 'kai-home@example.com');
  for (let i = 1; i <= 5; i++) {
    expect((await page.request.post('/api/workflows', { data: { name: `Bulk ${i}` } })).status()).toBe(201);
  }
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search workflows' }).fill('Bulk');
  const rows = page.getByRole('list', { name: 'Workflows' }).getByRole('listitem');
  const row = (name: string) => rows.filter({ hasText: name });
  await expect(rows).toHaveCount(5);

  await page.getByRole('checkbox', { name: 'Select Bulk 5' }).click();
  await page.getByRole('checkbox', { name: 'Select Bulk 3' }).click({ modifiers: ['Shift'] });
  const bulk = page.getByRole('toolbar', { name: 'Selected workflows' });
  await expect(bulk).toContainText('3 selected');
  page.once('dialog', (d) => void d.accept('batch'));
  await bulk.getByRole('button', { name: 'Tag…' }).click();
  for (const name of ['Bulk 5', 'Bulk 4', 'Bulk 3']) await expect(row(name)).toContainText('batch');
  await expect(row('Bulk 2')).not.toContainText('batch');

  // Not published: the server's 409 is shown, and the switch stays off.
  await page.getByRole('switch', { name: 'Active: Bulk 1' }).click();
  await expect(page.getByRole('alert')).toContainText('Bulk 1:');
  await expect(page.getByRole('switch', { name: 'Active: Bulk 1' })).not.toBeChecked();

  // A folder of one's own; Bulk 1 filed in it.
  page.once('dialog', (d) => void d.accept('Archive'));
  await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'New folder' }).click();
  await page.getByRole('checkbox', { name: 'Select Bulk 1' }).click();
  await bulk.getByRole('combobox', { name: 'Move to folder' }).selectOption({ label: 'Archive' });
  await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'Archive', exact: true }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Bulk 1');
  await expect(rows.first()).toContainText('in Archive');
  await page.getByRole('button', { name: 'All workflows' }).click();
  await expect(rows).toHaveCount(5);

  // Delete three: the confirm names the count.
  await page.getByRole('checkbox', { name: 'Select Bulk 5' }).click();
  await page.getByRole('checkbox', { name: 'Select Bulk 3' }).click({ modifiers: ['Shift'] });
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await bulk.getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(2);
  expect(asked).toContain('Delete 3 workflows');
  await page.screenshot({ path: 'test-results/home-bulk.png' });
});
