import { addFromPalette, canvasNode, createWorkflow } from './editor-helpers.ts';
import { expect, signUpInBrowser, test } from './fixtures.ts';

/**
 * The SMTP credential in the browser: the panel offers its fields (a number,
 * switches, a write-only password), and a Send Email node picks it.
 */

test('an SMTP credential made in the panel is chosen in a Send Email node; its password never comes back', async ({
  page,
}) => {
  await signUpInBrowser(page, 'Ann', 'ann-smtp@example.com');
  await createWorkflow(page, 'Alerts');
  await page.getByRole('button', { name: 'Credentials', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Credentials panel' });
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Office mail');
  await panel.getByRole('combobox').selectOption({ label: 'SMTP server' });
  await panel.getByRole('textbox', { name: 'Host', exact: true }).fill('smtp.example.com');
  const port = panel.getByRole('spinbutton', { name: 'Port' });
  await expect(port).toHaveValue('465');
  await port.fill('587');
  const secure = panel.getByRole('checkbox', { name: /SSL\/TLS from the start/ });
  await expect(secure).toBeChecked();
  await secure.uncheck();
  await panel.getByRole('textbox', { name: 'User', exact: true }).fill('mailer');
  const password = panel.getByLabel('Password');
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill('smtp-s3cret');
  await page.screenshot({ path: 'test-results/email-credential-form.png' });
  const created = page.waitForResponse((r) => r.url().endsWith('/api/credentials') && r.request().method() === 'POST');
  await panel.getByRole('button', { name: 'Add credential' }).click();
  const response = await created;
  expect(response.status()).toBe(201);
  expect(await response.text()).not.toContain('smtp-s3cret');
  expect(response.request().postDataJSON()).toMatchObject({
    type: 'smtp',
    data: { host: 'smtp.example.com', port: 587, secure: false, user: 'mailer', disableStartTls: false },
  });
  await expect(panel.getByRole('list', { name: 'Your credentials' })).toContainText('Office mailSMTP server');

  await addFromPalette(page, 'emailSend');
  await canvasNode(page, 'Send Email').click();
  const picker = page.getByTestId('inspector').getByRole('region', { name: 'Credentials' });
  await picker.locator('select').selectOption({ label: 'Office mail' });
  await expect(picker).toContainText('Granted to this workflow by you.');
  await page.screenshot({ path: 'test-results/email-credential-node.png' });
});
