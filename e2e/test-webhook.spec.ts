import type { Page } from '@playwright/test';
import { annAndBen, canvasNode, openWorkflow } from './editor-helpers.ts';
import { expect, test } from './fixtures.ts';

/**
 * "Listen for test event" (issue 10): an editor presses Listen, the card shows
 * the test URL and the time left, a call to that URL from outside runs the
 * canvas as it is and answers, and the run lights up on the canvas; Stop
 * listening ends it for everyone, and so does the deadline. Viewers see that someone listens but
 * cannot start or stop it.
 */

test.describe.configure({ mode: 'serial' });

const badge = (page: Page, name: string) => canvasNode(page, name).getByTestId('run-badge');

/** The owner invites by email, the invitee accepts (membership is by invitation). */
const addMember = async (owner: Page, invitee: Page, workflowId: string, email: string, role: 'editor' | 'viewer') => {
  expect((await owner.request.post(`/api/workflows/${workflowId}/members`, { data: { email, role } })).status()).toBe(
    202,
  );
  const { invitations } = (await (await invitee.request.get('/api/me/invitations')).json()) as {
    invitations: { id: string; workflowId: string }[];
  };
  const invitation = invitations.find((i) => i.workflowId === workflowId);
  expect(invitation).toBeDefined();
  expect((await invitee.request.post(`/api/me/invitations/${invitation?.id ?? ''}/accept`)).ok()).toBe(true);
};

test('Listen shows the test URL; calling it runs the canvas and answers; the run lights up', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, '-listen');
  const imported = await a.request.post('/api/workflows/import', {
    data: {
      weft: 1,
      name: 'Try me',
      nodes: [
        {
          id: 'hook',
          name: 'Hook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'e2e-try me', httpMethod: 'POST', responseMode: 'lastNode' },
        },
        { id: 'then', name: 'Then', type: 'noOp', typeVersion: 1, position: { x: 260, y: 0 }, parameters: {} },
      ],
      edges: [{ source: 'hook', target: 'then' }],
    },
  });
  expect(imported.status()).toBe(201);
  const { id } = (await imported.json()) as { id: string };
  await addMember(a, b, id, benEmail, 'viewer');
  // Ann's page runs on a clock the test can move, to reach the deadline without waiting two minutes.
  await a.clock.install();
  await Promise.all([openWorkflow(a, `/w/${id}`), openWorkflow(b, `/w/${id}`)]);
  const testUrl = `${weft.baseURL}/webhook-test/e2e-try%20me`;
  const call = () =>
    fetch(testUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":7}' });

  // Nobody listens yet: the test URL runs nothing. The viewer has no Listen button.
  expect((await call()).status).toBe(404);
  await expect(b.getByRole('button', { name: 'Listen for test event' })).toHaveCount(0);

  await a.screenshot({ path: 'test-results/test-webhook-idle-light.png' });
  await a.getByRole('button', { name: 'Listen for test event' }).click();
  const card = a.getByRole('region', { name: 'Listening for a test event' });
  await expect(card.getByTestId('test-url')).toHaveText(testUrl);
  await expect(card.getByTestId('listen-time-left')).toHaveText(/^(2:00|1:5\d)$/);
  await expect(a.getByRole('button', { name: 'Listen for test event' })).toHaveCount(0);
  // The viewer sees it too (the server says so in the room), without Stop.
  const viewerCard = b.getByRole('region', { name: 'Listening for a test event' });
  await expect(viewerCard.getByTestId('test-url')).toHaveText(testUrl);
  await expect(viewerCard.getByRole('button', { name: 'Stop listening' })).toHaveCount(0);
  await a.screenshot({ path: 'test-results/test-webhook-listening-light.png' });
  await b.screenshot({ path: 'test-results/test-webhook-viewer-light.png' });

  // A call from outside runs the document as it is and answers with the last node's item.
  const res = await call();
  expect(res.status).toBe(200);
  expect(((await res.json()) as { body: unknown }).body).toEqual({ n: 7 });
  for (const page of [a, b]) {
    await expect(badge(page, 'Then')).toHaveText('1 item');
    await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  }
  await a.getByRole('button', { name: 'Dark theme' }).click();
  await a.screenshot({ path: 'test-results/test-webhook-ran-dark.png' });

  // Stop listening ends it for everyone, and the test URL runs nothing again.
  await card.getByRole('button', { name: 'Stop listening' }).click();
  await expect(card).toHaveCount(0);
  await expect(viewerCard).toHaveCount(0);
  expect((await call()).status).toBe(404);

  // Listening again; at the deadline the card goes and Listen comes back.
  await a.getByRole('button', { name: 'Listen for test event' }).click();
  await expect(card.getByTestId('test-url')).toHaveText(testUrl);
  await a.clock.fastForward('02:01');
  await expect(card).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'Listen for test event' })).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});
