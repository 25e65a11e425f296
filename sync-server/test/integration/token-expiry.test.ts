import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { openSse } from '../helpers/sse-client.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * A socket opened with an API token that has an expiry closes when it
 * expires (4401), with the stock y-websocket client; a socket on a token
 * without expiry stays; a new socket with the expired token is refused.
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

describe('API token expiry on sockets', () => {
  it('closes the socket of an expiring token at its expiry, and refuses it afterwards', async () => {
    const ann = await rest.signup('ann@example.com');
    const workflowId = await rest.createWorkflow(ann.as);
    const expiresAt = Date.now() + 1500;
    const short = await rest.call<{ token: string }>('POST', '/api/tokens', {
      body: { name: 'short', expiresAt },
      as: ann.as,
    });
    expect(short.status).toBe(201);
    const expiring = connectClient(t.wsUrl, workflowId, { token: short.body.token });
    const lasting = connectClient(t.wsUrl, workflowId, { token: ann.token });
    clients.push(expiring, lasting);
    await expiring.synced();
    await lasting.synced();
    expect(expiring.closes).toEqual([]);

    await waitFor('the expiring socket to close', () => expiring.closes.length > 0, 5000);
    const closedAt = Date.now();
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt);
    // Within a second of its expiry, not at some later sweep.
    expect(closedAt - expiresAt).toBeLessThan(1000);
    expect(expiring.closes[0]?.code).toBe(CloseCodes.unauthorized);
    // A new socket with the expired token is refused.
    const again = connectClient(t.wsUrl, workflowId, { token: short.body.token });
    clients.push(again);
    await waitFor('the refusal', () => again.closes.length > 0, 5000);
    expect(again.closes[0]?.code).toBe(CloseCodes.unauthorized);

    expect(lasting.closes).toEqual([]);
    lasting.doc.getMap('meta').set('still', 'writing');
    const reader = connectClient(t.wsUrl, workflowId, { token: ann.token });
    clients.push(reader);
    await reader.synced();
    await waitFor('the write', () => reader.doc.getMap('meta').get('still') === 'writing', 5000);
  });

  it('ends a live feed opened with an expiring token at its expiry, and refuses it afterwards', async () => {
    const bo = await rest.signup('bo@example.com');
    const expiresAt = Date.now() + 1500;
    const short = await rest.call<{ token: string }>('POST', '/api/tokens', {
      body: { name: 'short feed', expiresAt },
      as: bo.as,
    });
    const expiring = await openSse(`${t.baseUrl}/api/live`, { authorization: `Bearer ${short.body.token}` });
    const lasting = await openSse(`${t.baseUrl}/api/live`, { authorization: `Bearer ${bo.token}` });
    await expiring.next((e) => e.event === 'ready', 'ready');
    await expiring.ended;
    const endedAt = Date.now();
    expect(endedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(endedAt - expiresAt).toBeLessThan(1000);
    expect((await openSse(`${t.baseUrl}/api/live`, { authorization: `Bearer ${short.body.token}` })).status).toBe(401);
    // The feed of a token without expiry goes on.
    let lastingEnded = false;
    void lasting.ended.then(() => {
      lastingEnded = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(lastingEnded).toBe(false);
    lasting.close();
  });
});
