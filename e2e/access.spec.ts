import { addFromPalette, annAndBen, canvasNode, createWorkflow, openWorkflow, share } from './editor-helpers.ts';
import { expect, signUpInBrowser, startServer, stopServer, test } from './fixtures.ts';

/**
 * Who may use what, in the browser: credentials run only where their owner
 * granted them (choosing one's own in a node grants it), a person ends their
 * sessions from the account page, and the admin disables an account.
 */

test.describe.configure({ mode: 'serial' });

test('choosing your credential in a node grants it; the panel lists and revokes grants; a collaborator sees why it cannot run', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-cred');
  const { id, path } = await createWorkflow(a, 'Keys');
  await share(a, b, id, benEmail, 'editor');

  // Ann adds a credential in her panel: not granted anywhere yet.
  await a.getByRole('button', { name: 'Credentials', exact: true }).click();
  const panel = a.getByRole('complementary', { name: 'Credentials panel' });
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Orders API');
  await panel.getByRole('textbox', { name: 'Token' }).fill('s3cret-token');
  await panel.getByRole('button', { name: 'Add credential' }).click();
  await expect(panel.getByText('Not granted to any workflow')).toBeVisible();

  // She chooses it in an HTTP Request node: that grants it to this workflow.
  await addFromPalette(a, 'httpRequest');
  await canvasNode(a, 'HTTP Request').click();
  const inspector = a.getByTestId('inspector');
  await inspector.locator('[data-param="authentication"] select').selectOption('credential');
  const picker = inspector.getByRole('region', { name: 'Credentials' });
  await picker.locator('select').selectOption({ label: 'Orders API' });
  await expect(picker).toContainText('Granted to this workflow by you.');
  const grants = panel.getByRole('list', { name: 'Workflows that may use Orders API' });
  await expect(grants).toHaveText(/Keys/);

  // Ben, an editor, sees who granted it.
  await openWorkflow(b, path);
  await canvasNode(b, 'HTTP Request').click();
  const bensPicker = b.getByTestId('inspector').getByRole('region', { name: 'Credentials' });
  await expect(bensPicker).toContainText('Granted to this workflow by Ann.');
  await expect(bensPicker.locator('select')).toHaveValue(/.+/);

  // Ann revokes it in the panel: her node says so, and Ben's says why it cannot run.
  await panel.getByRole('button', { name: 'Revoke Orders API from Keys' }).click();
  await expect(panel.getByText('Not granted to any workflow')).toBeVisible();
  await expect(picker.getByTestId('credential-not-granted')).toContainText('You have not granted “Orders API”');
  await b.reload();
  await expect(b.getByTestId('sync-status')).toHaveText('Saved');
  await canvasNode(b, 'HTTP Request').click();
  await expect(b.getByTestId('credential-not-granted')).toContainText(
    'This node cannot run: it uses someone else’s credential, which its owner has not granted to this workflow.',
  );
  await a.screenshot({ path: 'test-results/access-credential-revoked.png' });

  // "Grant it" grants it again.
  await picker.getByRole('button', { name: 'Grant it' }).click();
  await expect(picker).toContainText('Granted to this workflow by you.');
  await expect(grants).toHaveText(/Keys/);
  await Promise.all(contexts.map((c) => c.close()));
});

test('the account page lists signed-in browsers; signing one out closes its open workflow at once', async ({
  browser,
  weft,
}) => {
  const contexts = await Promise.all([
    browser.newContext({ baseURL: weft.baseURL, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' }),
    browser.newContext({ baseURL: weft.baseURL, userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537' }),
  ]);
  const [laptop, office] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!laptop || !office) throw new Error('no pages');
  await signUpInBrowser(laptop, 'Cora', 'cora-sessions@example.com');
  await office.goto('/login');
  await office.getByLabel('Email').fill('cora-sessions@example.com');
  await office.getByLabel('Password').fill('correct horse battery');
  await office.getByRole('button', { name: 'Log in' }).click();
  const { path } = await createWorkflow(office, 'Office work');

  await laptop.getByRole('link', { name: 'Cora' }).click();
  await expect(laptop).toHaveURL(/\/settings/);
  const sessions = laptop.getByTestId('session');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'this browser' })).toContainText('Firefox on Linux');
  await laptop.screenshot({ path: 'test-results/access-account.png' });
  await sessions.filter({ hasText: 'Chrome on Windows' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(laptop.getByRole('status')).toContainText('Signed out Chrome on Windows');
  await expect(sessions).toHaveCount(1);

  // The office browser's open workflow is closed for it, and its next request is refused.
  await expect(office).toHaveURL(new RegExp(`${path}$`));
  await expect(office.getByTestId('sync-status')).toHaveText('Closed');
  expect((await office.request.get('/api/auth/me')).status()).toBe(401);
  await Promise.all(contexts.map((c) => c.close()));
});

test('the admin disables and enables an account from the accounts page', async ({ browser }) => {
  // A fresh instance, so that the first account, the admin, is this test's.
  const started = await startServer();
  const contexts = await Promise.all([
    browser.newContext({ baseURL: started.server.baseURL }),
    browser.newContext({ baseURL: started.server.baseURL }),
  ]);
  try {
    const [admin, dan] = await Promise.all(contexts.map((c) => c.newPage()));
    if (!admin || !dan) throw new Error('no pages');
    await signUpInBrowser(admin, 'Ada', 'ada@example.com');
    await signUpInBrowser(dan, 'Dan', 'dan@example.com');
    await createWorkflow(dan, 'Dan’s');

    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('tab', { name: 'Users' }).click();
    const table = admin.getByRole('table', { name: 'Accounts' });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('button', { name: 'Disable ada@example.com' })).toHaveCount(0);
    admin.once('dialog', (d) => void d.accept());
    await table.getByRole('button', { name: 'Disable dan@example.com' }).click();
    await expect(table.getByRole('row').filter({ hasText: 'dan@example.com' })).toContainText('disabled');
    await admin.screenshot({ path: 'test-results/access-admin-accounts.png' });

    // Dan's open workflow closes at once; logging in again is refused until he is enabled.
    await expect(dan.getByTestId('sync-status')).toHaveText('Closed');
    const refused = await dan.request.post('/api/auth/login', {
      data: { email: 'dan@example.com', password: 'correct horse battery' },
    });
    expect(refused.status()).toBe(403);
    await table.getByRole('button', { name: 'Enable dan@example.com' }).click();
    await expect(table.getByRole('row').filter({ hasText: 'dan@example.com' })).toContainText('active');
    const again = await dan.request.post('/api/auth/login', {
      data: { email: 'dan@example.com', password: 'correct horse battery' },
    });
    expect(again.status()).toBe(200);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await stopServer(started);
  }
});
