import { addFromPalette, canvasNode, createWorkflow } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The PostgreSQL credential in the browser: the panel offers its fields (a
 * number, the SSL mode as a choice, a switch, a write-only password), and a
 * Postgres node picks it.
 */

test('a PostgreSQL credential made in the panel is chosen in a Postgres node; its password never comes back', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Ann', 'ann-pg@example.com');
  await createWorkflow(page, 'Orders');
  await page.getByRole('button', { name: 'Credentials', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Credentials panel' });
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Orders db');
  await panel.getByRole('combobox').first().selectOption({ label: 'PostgreSQL database' });
  await panel.getByRole('textbox', { name: 'Host', exact: true }).fill('db.example.com');
  await expect(panel.getByRole('spinbutton', { name: 'Port' })).toHaveValue('5432');
  await panel.getByRole('textbox', { name: 'Database', exact: true }).fill('shop');
  await panel.getByRole('textbox', { name: 'User', exact: true }).fill('app');
  const password = panel.getByLabel('Password');
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill('pg-s3cret');
  const ssl = panel.getByRole('combobox', { name: 'SSL' });
  await expect(ssl).toHaveValue('disable');
  await ssl.selectOption({ label: 'Require' });
  await page.screenshot({ path: 'test-results/postgres-credential-form.png' });
  const created = page.waitForResponse((r) => r.url().endsWith('/api/credentials') && r.request().method() === 'POST');
  await panel.getByRole('button', { name: 'Add credential' }).click();
  const response = await created;
  expect(response.status()).toBe(201);
  expect(await response.text()).not.toContain('pg-s3cret');
  expect(response.request().postDataJSON()).toMatchObject({
    type: 'postgres',
    data: {
      host: 'db.example.com',
      port: 5432,
      database: 'shop',
      user: 'app',
      ssl: 'require',
      allowUnauthorizedCerts: false,
    },
  });
  await expect(panel.getByRole('list', { name: 'Your credentials' })).toContainText('Orders dbPostgreSQL database');

  await addFromPalette(page, 'postgres');
  await canvasNode(page, 'Postgres').click();
  const picker = page.getByTestId('inspector').getByRole('region', { name: 'Credentials' });
  await picker.locator('select').selectOption({ label: 'Orders db' });
  await expect(picker).toContainText('Granted to this workflow by you.');
  await page.screenshot({ path: 'test-results/postgres-credential-node.png' });
});
