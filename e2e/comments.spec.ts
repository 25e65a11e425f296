import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { moveNode, readNodes } from '../shared/src/schema/index.ts';
import {
  addFromPalette,
  annAndBen,
  canvasNode,
  createWorkflow,
  openWorkflow,
  serverExport,
  share,
} from './editor-helpers.ts';
import { expect, test } from './fixtures.ts';

/**
 * Threaded comments between an owner (Ann) and a commenter (Ben): Ben
 * comments on a node and mentions Ann, cannot move the node (not even with a
 * hand-made client: the server drops it), Ann sees the marker, replies and
 * resolves; a comment written offline arrives when Ben is back.
 */
test('a commenter comments on a node, cannot change it, and the owner replies and resolves', async ({
  browser,
  weft,
}) => {
  const { a, b, contexts, benEmail } = await annAndBen(browser, weft.baseURL, 'comments');
  const { id, path } = await createWorkflow(a, 'Orders');
  await addFromPalette(a, 'httpRequest');
  await expect(canvasNode(a, 'HTTP Request')).toBeVisible();
  await share(a, b, id, benEmail, 'commenter');
  await openWorkflow(b, path);
  await expect(b.getByRole('status').filter({ hasText: 'commenters cannot change it' })).toBeVisible();

  // Ben comments on the node from its inspector, picking Ann from the autocomplete.
  await canvasNode(b, 'HTTP Request').click();
  await b.getByTestId('inspector').getByRole('button', { name: 'Comment on this node' }).click();
  const panel = b.getByRole('complementary', { name: 'Comments' });
  const box = panel.getByRole('combobox', { name: 'Comment on HTTP Request' });
  await box.pressSequentially('Is this URL right, @An');
  await expect(panel.getByRole('option', { name: /Ann/ })).toBeVisible();
  await box.press('Enter');
  await box.pressSequentially('?');
  await expect(box).toHaveValue('Is this URL right, @Ann ?');
  await panel.getByRole('button', { name: 'Comment', exact: true }).click();
  const bensThread = panel.getByTestId('thread');
  await expect(bensThread).toHaveCount(1);
  await expect(bensThread).toContainText('On HTTP Request');
  await expect(bensThread.locator('.mention')).toHaveText('@Ann');

  // The canvas is read-only for him, and a hand-made client with his session is dropped by the server.
  const before = (await serverExport(a, id)).nodes[0]?.position;
  const cookie = (await contexts[1]?.cookies())?.map((c) => `${c.name}=${c.value}`).join('; ') ?? '';
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(weft.wsURL, id, doc, {
    WebSocketPolyfill: class extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie, origin: weft.baseURL } });
      }
    } as never,
    disableBc: true,
  });
  try {
    await expect.poll(() => readNodes(doc).length).toBe(1);
    const node = readNodes(doc)[0];
    if (node) moveNode(doc, node.id, { x: node.position.x + 400, y: node.position.y + 300 });
    // Ann's next edit is stored after anything Ben's client sent; his move is not among it.
    await a.getByRole('button', { name: 'Workflow settings' }).click();
    await a.getByRole('complementary', { name: 'Workflow settings' }).getByLabel('Time zone').fill('Europe/Paris');
    await a.getByRole('complementary', { name: 'Workflow settings' }).getByLabel('Time zone').press('Enter');
    await expect
      .poll(
        async () =>
          ((await (await a.request.get(`/api/workflows/${id}/export`)).json()) as { settings: unknown }).settings,
      )
      .toMatchObject({ timezone: 'Europe/Paris' });
    expect((await serverExport(a, id)).nodes[0]?.position).toEqual(before);
  } finally {
    provider.destroy();
  }

  // Ann sees the marker on the node and the mention in her inbox; the inbox opens the thread.
  const marker = canvasNode(a, 'HTTP Request').getByTestId('comment-marker');
  await expect(marker).toHaveText('1');
  await expect(a.getByTestId('inbox-count')).toHaveText('1');
  await a.getByRole('link', { name: 'Inbox, 1 unread' }).click();
  const mention = a.getByRole('list', { name: 'Inbox' }).getByRole('button');
  await expect(mention).toContainText('Ben mentioned you in Orders');
  await expect(mention).toContainText('Is this URL right, @Ann ?');
  await mention.click();
  await expect(a).toHaveURL(new RegExp(`/w/${id}\\?thread=`));
  await expect(a.getByTestId('inbox-count')).toHaveCount(0);
  const hers = a.getByRole('complementary', { name: 'Comments' });
  const thread = hers.locator('[data-testid="thread"].focused');
  await expect(thread).toContainText('Is this URL right, @Ann ?');
  await thread.getByRole('combobox', { name: 'Reply' }).fill('Yes, it is the new endpoint.');
  await thread.getByRole('button', { name: 'Reply' }).click();
  await expect(bensThread).toContainText('Yes, it is the new endpoint.');
  // The README's picture of comments (`WEFT_UPDATE_SCREENSHOTS=1` refreshes it).
  await a.screenshot({
    path: process.env.WEFT_UPDATE_SCREENSHOTS ? 'docs/images/comments.png' : 'test-results/comments-thread.png',
  });
  await thread.getByRole('button', { name: 'Resolve thread' }).click();
  await expect(marker).toHaveCount(0);
  await expect(bensThread).toHaveCount(0);
  await panel.getByRole('button', { name: 'Resolved' }).click();
  await expect(bensThread).toHaveCount(1);

  // Offline, Ben still comments; it reaches Ann once he is back.
  await panel.getByRole('button', { name: 'Show all threads' }).click();
  await contexts[1]?.setOffline(true);
  await expect(b.getByTestId('sync-status')).toHaveText('Offline');
  await panel.getByRole('combobox', { name: 'Comment on the workflow' }).fill('Written on the train');
  await panel.getByRole('button', { name: 'Comment', exact: true }).click();
  await hers.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(hers.getByText('Written on the train')).toHaveCount(0);
  await contexts[1]?.setOffline(false);
  await expect(hers.getByText('Written on the train')).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});
