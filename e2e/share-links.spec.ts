import type { Page } from '@playwright/test';
import { createWorkflow } from './editor-helpers.ts';
import { expect, signUpInBrowser, startServer, stopServer, test } from './fixtures.ts';

/**
 * Share links (docs/plans/collaboration.md §3.3, §12): Ann makes a link for
 * one commenter in the Members panel; Ben opens it signed out, signs up from
 * its page and lands in the workflow; Cy, second, is refused. An expired and
 * a revoked link each get their page, and revoking says members stay.
 */
test('a share link admits as many people as it allows; expired and revoked ones say so', async ({ browser, weft }) => {
  // Ann signed in; Ben and Cy are visitors who only hold the link.
  const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext({ baseURL: weft.baseURL })));
  const [ann, ben, cy] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!ann || !ben || !cy) throw new Error('no pages');
  await contexts[0]?.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signUpInBrowser(ann, 'Ann', 'ann-links@example.com');
  const { id } = await createWorkflow(ann, 'Orders');

  await ann.getByRole('button', { name: 'Members' }).click();
  const panel = ann.getByRole('complementary', { name: 'Members panel' });
  await panel.getByRole('tab', { name: 'Share links' }).click();
  const form = panel.getByRole('form', { name: 'New share link' });
  await form.getByLabel('Role').selectOption('commenter');
  await form.getByLabel('Usage limit').fill('1');
  await form.getByLabel('Label').fill('For Ben');
  await form.getByRole('button', { name: 'Create link' }).click();
  const forBen = panel.getByRole('listitem', { name: 'For Ben' });
  await expect(forBen).toContainText('Used 0 of 1');
  await expect(forBen).toContainText('commenter');
  const address = forBen.getByRole('textbox', { name: 'Address of For Ben' });
  const url = await address.inputValue();
  expect(url).toMatch(new RegExp(`^${weft.baseURL}/join/[A-Za-z0-9_-]+$`));
  await forBen.getByRole('button', { name: 'Copy' }).click();
  await expect(forBen.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await ann.evaluate(() => navigator.clipboard.readText())).toBe(url);

  // Ben, signed out, sees who invites him to what, signs up from there and lands in the workflow.
  await ben.goto(url);
  await expect(ben.getByTestId('join-invitation')).toHaveText('Ann invites you to Orders as a commenter.');
  await ben.screenshot({ path: 'test-results/share-links-join.png' });
  await ben.getByRole('link', { name: 'Sign up' }).click();
  await expect(ben).toHaveURL(/\/signup\?next=%2Fjoin%2F/);
  await ben.getByLabel('Name').fill('Ben');
  await ben.getByLabel('Email').fill('ben-links@example.com');
  await ben.getByLabel('Password').fill('correct horse battery');
  await ben.getByRole('button', { name: 'Sign up' }).click();
  await expect(ben).toHaveURL(new RegExp(`/w/${id}$`));
  await expect(ben.getByTestId('sync-status')).toHaveText('Saved');
  await expect(ben.getByRole('status').filter({ hasText: 'commenters cannot change it' })).toBeVisible();
  // Links are for owners: Ben's Members panel has no such tab.
  await ben.getByRole('button', { name: 'Members' }).click();
  await expect(
    ben.getByRole('complementary', { name: 'Members panel' }).getByRole('list', { name: 'Members list' }),
  ).toContainText('Ann');
  await expect(ben.getByRole('tab', { name: 'Share links' })).toHaveCount(0);

  // Cy comes second: the link has been used by as many people as it allows.
  await cy.goto(url);
  await expectClosed(cy, 'This link has been used by as many people as it allows (1).');

  // Ann's list counts Ben's use and names him (the list loads again when she comes back to the tab).
  await panel.getByRole('tab', { name: 'People' }).click();
  await panel.getByRole('tab', { name: 'Share links' }).click();
  await expect(forBen).toContainText('Used 1 of 1');
  await expect(forBen).toContainText('Used up');
  await expect(forBen.locator('.link-joined')).toHaveText('Joined: Ben');

  // A link made over REST that expires in 2 s.
  const made = await ann.request.post(`/api/workflows/${id}/links`, {
    data: { role: 'viewer', expiresAt: new Date(Date.now() + 2000).toISOString(), label: 'Short' },
  });
  expect(made.status()).toBe(201);
  const short = ((await made.json()) as { url: string }).url;
  await cy.waitForTimeout(2500);
  await cy.goto(short);
  await expectClosed(cy, /^This link expired on \d{1,2} [A-Z][a-z]{2} \d{4}\.$/);

  // A third, revoked in the panel, which says that the people it let in stay members.
  await form.getByLabel('Role').selectOption('viewer');
  await form.getByRole('combobox', { name: /^Expires/ }).selectOption('date');
  const inTenDays = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000);
  const picked = `${inTenDays.getFullYear()}-${String(inTenDays.getMonth() + 1).padStart(2, '0')}-${String(inTenDays.getDate()).padStart(2, '0')}`;
  await form.getByLabel('Expires at the end of').fill(picked);
  await form.getByLabel('Label').fill('Old one');
  await form.getByRole('button', { name: 'Create link' }).click();
  const old = panel.getByRole('listitem', { name: 'Old one' });
  await expect(old).toContainText(
    `Expires ${inTenDays.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' })}`,
  );
  const oldUrl = await old.getByRole('textbox', { name: 'Address of Old one' }).inputValue();
  await old.getByRole('button', { name: 'Revoke' }).click();
  const confirm = old.getByRole('group', { name: 'Revoke Old one' });
  await expect(confirm).toContainText('People who joined through this link stay members; remove them in Members.');
  await ann.screenshot({ path: 'test-results/share-links-dialog.png' });
  await confirm.getByRole('button', { name: 'Revoke link' }).click();
  await expect(old.locator('.link-state')).toHaveText('Revoked');
  await expect(old.getByRole('textbox')).toHaveCount(0);
  await cy.goto(oldUrl);
  await expectClosed(cy, 'This link was turned off by its owner.');
  await cy.screenshot({ path: 'test-results/share-links-revoked.png' });

  // An unknown token has a page of its own too.
  await cy.goto('/join/nosuchtoken');
  await expect(cy.getByRole('heading', { name: 'There is no such link' })).toBeVisible();

  // Ben is still a member after the revoke (it was another link, but members never go with one).
  await panel.getByRole('tab', { name: 'People' }).click();
  await expect(panel.getByRole('list', { name: 'Members list' })).toContainText('Ben');
  // Someone already signed in who opens a link is asked first, then joins with its role.
  await signUpInBrowser(cy, 'Cy', 'cy-links@example.com');
  const forCy = await ann.request.post(`/api/workflows/${id}/links`, { data: { role: 'editor' } });
  await cy.goto(((await forCy.json()) as { url: string }).url);
  await expect(cy.getByTestId('join-invitation')).toHaveText('Ann invites you to Orders as an editor.');
  await cy.getByRole('button', { name: 'Join Orders' }).click();
  await expect(cy).toHaveURL(new RegExp(`/w/${id}$`));
  await expect(cy.getByTestId('sync-status')).toHaveText('Saved');
  await expect(cy.getByRole('status').filter({ hasText: 'cannot change it' })).toHaveCount(0);

  // The same tabs under the workflow in the list.
  await ann.goto('/');
  await ann.getByRole('button', { name: 'Members of Orders' }).click();
  await ann.getByRole('tab', { name: 'Share links' }).click();
  await expect(ann.getByRole('listitem', { name: 'For Ben' })).toContainText('Used 1 of 1');
  await ann.screenshot({ path: 'test-results/share-links-list.png', fullPage: true });
  await Promise.all(contexts.map((c) => c.close()));
});

/** With `WEFT_SIGNUP=closed` a signed-out visitor is told to ask the admin, and offered Log in only. */
test('a share link on a server with sign-up closed asks its visitor to get an account from the admin', async ({
  browser,
}) => {
  const started = await startServer({ WEFT_SIGNUP: 'closed' });
  const contexts = await Promise.all([1, 2].map(() => browser.newContext({ baseURL: started.server.baseURL })));
  try {
    const [admin, visitor] = await Promise.all(contexts.map((c) => c.newPage()));
    if (!admin || !visitor) throw new Error('no pages');
    // The first account may sign up all the same: it is the admin.
    await signUpInBrowser(admin, 'Ada', 'ada-closed@example.com');
    const { id } = await createWorkflow(admin, 'Orders');
    const made = await admin.request.post(`/api/workflows/${id}/links`, { data: { role: 'viewer' } });
    await visitor.goto(((await made.json()) as { url: string }).url);
    await expect(visitor.getByTestId('join-invitation')).toHaveText('Ada invites you to Orders as a viewer.');
    await expect(visitor.getByTestId('signup-closed')).toContainText(
      'Sign-up is closed on this server: ask its admin for an account',
    );
    await expect(visitor.getByRole('link', { name: 'Sign up' })).toHaveCount(0);
    await expect(visitor.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', /^\/login\?next=%2Fjoin%2F/);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await stopServer(started);
  }
});

/** The page of a link that admits no one: the server's words and a way home, no stack trace. */
const expectClosed = async (page: Page, message: string | RegExp): Promise<void> => {
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(message);
  await expect(page.getByRole('link', { name: 'Go to Weft’s home page' })).toHaveAttribute('href', '/');
};
