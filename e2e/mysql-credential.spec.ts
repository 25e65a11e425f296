import { addFromPalette, canvasNode, createWorkflow } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The MySQL credential in the browser: the panel offers its fields (a
 * number, SSL and "ignore certificate issues" as switches, a write-only
 * password), and a MySQL node picks it.
 */

test('a MySQL credential made in the panel is chosen in a MySQL node; its password never comes back', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Ann', 'ann-my@example.com');
  await createWorkflow(page, 'Orders');
  await page.getByRole('button', { name: 'Credentials', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Credentials panel' });
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Shop db');
  await panel.getByRole('combobox').first().selectOption({ label: 'MySQL database' });
  await panel.getByRole('textbox', { name: 'Host', exact: true }).fill('mysql.example.com');
  await expect(panel.getByRole('spinbutton', { name: 'Port' })).toHaveValue('3306');
  await panel.getByRole('textbox', { name: 'Database', exact: true }).fill('shop');
  await panel.getByRole('textbox', { name: 'User', exact: true }).fill('app');
  const password = panel.getByLabel('Password');
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill('my-s3cret');
  const ssl = panel.getByRole('checkbox', { name: 'SSL', exact: true });
  await expect(ssl).not.toBeChecked();
  await ssl.check();
  await expect(panel.getByRole('checkbox', { name: /Ignore SSL certificate issues/ })).not.toBeChecked();
  await page.screenshot({ path: 'test-results/mysql-credential-form.png' });
  const created = page.waitForResponse((r) => r.url().endsWith('/api/credentials') && r.request().method() === 'POST');
  await panel.getByRole('button', { name: 'Add credential' }).click();
  const response = await created;
  expect(response.status()).toBe(201);
  expect(await response.text()).not.toContain('my-s3cret');
  expect(response.request().postDataJSON()).toMatchObject({
    type: 'mysql',
    data: {
      host: 'mysql.example.com',
      port: 3306,
      database: 'shop',
      user: 'app',
      ssl: true,
      allowUnauthorizedCerts: false,
    },
  });
  await expect(panel.getByRole('list', { name: 'Your credentials' })).toContainText('Shop dbMySQL database');

  await addFromPalette(page, 'mySql');
  await canvasNode(page, 'MySQL').click();
  const picker = page.getByTestId('inspector').getByRole('region', { name: 'Credentials' });
  await picker.locator('select').selectOption({ label: 'Shop db' });
  await expect(picker).toContainText('Granted to this workflow by you.');
  await page.screenshot({ path: 'test-results/mysql-credential-node.png' });
});
