import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, signUpInBrowser, startServer, stopServer, test } from './fixtures.ts';

/**
 * The Settings page end to end (issue 16): a token made in the page works
 * with the real curl binary and gets 401 once it is revoked in the page; an
 * admin closes sign-up in the page and a new sign-up is refused (403, shown
 * in the form) without a restart, then opens it again.
 */

const run = promisify(execFile);

/** `curl` against the server with the token: the HTTP status it got. */
const curlStatus = async (url: string, token: string): Promise<number> => {
  const { stdout } = await run('curl', [
    '--silent',
    '--output',
    '/dev/null',
    '--write-out',
    '%{http_code}',
    '--header',
    `Authorization: Bearer ${token}`,
    url,
  ]);
  return Number(stdout);
};

test('a token created in the settings page works with curl and gets 401 once revoked there', async ({ page, weft }) => {
  await signUpInBrowser(page, 'Tom', 'tom-tokens@example.com');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings/);
  await page.getByRole('tab', { name: 'API tokens' }).click();
  await page.getByLabel('Token name').fill('curl script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').textContent()) ?? '';
  expect(secret).toMatch(/^weft_/);
  await expect(page.getByRole('button', { name: 'Copy the token' })).toBeVisible();
  await page.screenshot({ path: 'test-results/settings-tokens.png' });
  // The dark theme: the same page from the theme's own colours.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => {
    document.documentElement.dataset.theme = 'dark';
  });
  await page.screenshot({ path: 'test-results/settings-tokens-dark.png' });

  const url = `${weft.baseURL}/api/workflows`;
  expect(await curlStatus(url, secret)).toBe(200);
  // The list shows its last use once the page reads it again.
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: 'Account' }).click();
  await page.getByRole('tab', { name: 'API tokens' }).click();
  const row = page.getByTestId('token-row').filter({ hasText: 'curl script' });
  await expect(row.getByRole('cell').nth(2)).not.toHaveText('never');

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Revoke curl script' }).click();
  await expect(page.getByTestId('token-row').filter({ hasText: 'curl script' })).toHaveCount(0);
  expect(await curlStatus(url, secret)).toBe(401);
});

test('an admin closes sign-up in the page: a new sign-up is refused without a restart, open lets it in, and the newcomer is made admin', async ({
  browser,
}) => {
  // A fresh instance, so that this test's first account is the admin.
  const started = await startServer();
  const contexts = await Promise.all([
    browser.newContext({ baseURL: started.server.baseURL }),
    browser.newContext({ baseURL: started.server.baseURL }),
  ]);
  try {
    const [admin, visitor] = await Promise.all(contexts.map((c) => c.newPage()));
    if (!admin || !visitor) throw new Error('no pages');
    await signUpInBrowser(admin, 'Ada', 'ada-settings@example.com');
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('tab', { name: 'Instance' }).click();
    const signup = admin.getByRole('form', { name: 'Sign-up' });
    await signup.getByLabel('Who can sign up').selectOption('closed');
    await signup.getByRole('button', { name: 'Save sign-up' }).click();
    await expect(admin.getByRole('status')).toHaveText('Sign-up saved.');
    await admin.screenshot({ path: 'test-results/settings-instance.png', fullPage: true });

    await visitor.goto('/signup');
    await visitor.getByLabel('Name').fill('Val');
    await visitor.getByLabel('Email').fill('val@example.com');
    await visitor.getByLabel('Password').fill('correct horse battery');
    const refused = visitor.waitForResponse((r) => r.url().endsWith('/api/auth/signup'));
    await visitor.getByRole('button', { name: 'Sign up' }).click();
    expect((await refused).status()).toBe(403);
    await expect(visitor.getByRole('form', { name: 'Sign up' })).toContainText('Sign-up is closed on this instance');
    await visitor.screenshot({ path: 'test-results/settings-signup-closed.png' });

    await signup.getByLabel('Who can sign up').selectOption('open');
    await signup.getByRole('button', { name: 'Save sign-up' }).click();
    await expect(admin.getByRole('status')).toHaveText('Sign-up saved.');
    await visitor.getByRole('button', { name: 'Sign up' }).click();
    await expect(visitor.getByPlaceholder('New workflow name')).toBeVisible();

    // The admin makes the newcomer an admin in the Users tab; her Settings then has the Instance tab.
    await admin.getByRole('tab', { name: 'Users' }).click();
    const table = admin.getByRole('table', { name: 'Accounts' });
    admin.once('dialog', (d) => void d.accept());
    await table.getByRole('button', { name: 'Make admin val@example.com' }).click();
    await expect(table.getByRole('row').filter({ hasText: 'val@example.com' })).toContainText('admin');
    await expect(table.getByRole('button', { name: 'Remove admin val@example.com' })).toBeVisible();
    await admin.screenshot({ path: 'test-results/settings-users.png' });
    await visitor.goto('/settings?tab=instance');
    await expect(visitor.getByRole('tab', { name: 'Instance' })).toHaveAttribute('aria-selected', 'true');
    await expect(visitor.getByRole('form', { name: 'Sign-up' }).getByLabel('Who can sign up')).toHaveValue('open');
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await stopServer(started);
  }
});
