import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The admin role changes what a person's open sockets may do (an admin is an
 * owner of every workflow they are not a member of): taking the role away
 * checks their sockets again at once, with the stock y-websocket client.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

describe('admin role and open sockets', () => {
  it('making a member an admin leaves their member sockets be; losing the role closes a foreign workflow (4403)', async () => {
    const admin = await rest.signup('admin@example.com');
    const vera = await rest.signup('vera@example.com');
    const shared = await rest.createWorkflow(admin.as, 'Shared');
    const foreign = await rest.createWorkflow(admin.as, 'Not hers');
    await rest.addMember(admin.as, shared, vera, 'viewer');

    const viewing = connectClient(t.wsUrl, shared, { token: vera.token });
    clients.push(viewing);
    await viewing.synced();
    expect((await rest.call('POST', `/api/admin/users/${vera.user.id}/admin`, { as: admin.as })).status).toBe(200);
    // A member's role in a workflow stands over the admin's owner role there (workflows/access.ts): checked, kept.
    await new Promise((r) => setTimeout(r, 300));
    expect(viewing.closes).toEqual([]);

    // As an admin she opens a workflow she is no member of; taking the role away closes it.
    const owning = connectClient(t.wsUrl, foreign, { token: vera.token });
    clients.push(owning);
    await owning.synced();
    expect((await rest.call('DELETE', `/api/admin/users/${vera.user.id}/admin`, { as: admin.as })).status).toBe(200);
    await waitFor('the foreign socket to close', () => owning.closes.length > 0, 2000);
    expect(owning.closes[0]?.code).toBe(CloseCodes.forbidden);
    expect(viewing.closes).toEqual([]);
  });

  it('a second settings service on the same database sees a change when it reads again', async () => {
    const { InstanceSettings } = await import('../../src/settings/instance-settings.ts');
    const { silentLogger } = await import('#shared/log.ts');
    const other = await InstanceSettings.open({
      store: t.server.storage.settings,
      defaults: {
        signup: 'open',
        smtp: null,
        outboundAllow: [],
        executionRetention: { maxAgeDays: 14, maxCount: 10_000 },
        defaultTimeoutSeconds: 300,
      },
      encryptionKey: Buffer.alloc(32, 7),
      logger: silentLogger,
      isHostEntry: () => true,
    });
    const heard: string[] = [];
    other.onChange((s) => heard.push(s.signup));
    await t.server.settings.update({ signup: 'invite' });
    expect(other.value.signup).not.toBe('invite');
    await other.reload();
    expect(other.value.signup).toBe('invite');
    await other.reload();
    expect(heard).toEqual(['invite']);
    other.close();
  });
});
