import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** `/api/tokens` as the issue 16 contract states it: expiry, the list's fields, revocation. */

let t: TestServer;
let rest: ReturnType<typeof restClient>;

beforeEach(async () => {
  t = await startTestServer();
  rest = restClient(t.server.app);
});
afterEach(async () => {
  await t.close();
});

interface TokenRow {
  id: string;
  name: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  createdAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API tokens', () => {
  it('lists id, name, expiresAt, lastUsedAt and createdAt, never the secret', async () => {
    const ann = await rest.signup('ann@example.com');
    const expiresAt = Date.now() + 86_400_000;
    const created = await rest.call<TokenRow & { token: string }>('POST', '/api/tokens', {
      body: { name: 'deploy', expiresAt },
      as: ann.as,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'deploy', expiresAt, lastUsedAt: null });
    expect(created.body.token).toMatch(/^weft_/);
    const list = await rest.call<{ tokens: TokenRow[] }>('GET', '/api/tokens', { as: ann.as });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(JSON.stringify(list.body)).not.toContain(ann.token);
    const deploy = list.body.tokens.find((tk) => tk.id === created.body.id);
    expect(Object.keys(deploy ?? {}).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    expect(deploy).toMatchObject({ expiresAt, lastUsedAt: null });
    expect(list.body.tokens.find((tk) => tk.name === 'test')?.expiresAt).toBeNull();

    // Used once: lastUsedAt is set.
    expect((await rest.call('GET', '/api/auth/me', { as: { token: created.body.token } })).status).toBe(200);
    const after = await rest.call<{ tokens: TokenRow[] }>('GET', '/api/tokens', { as: ann.as });
    expect(after.body.tokens.find((tk) => tk.id === created.body.id)?.lastUsedAt).toEqual(expect.any(Number));
  });

  it('refuses an expiry in the past or not a time with 400', async () => {
    const ann = await rest.signup('ann@example.com');
    for (const expiresAt of [Date.now() - 1000, 0, -5, 'tomorrow', 1.5]) {
      const res = await rest.call<{ error: { code: string } }>('POST', '/api/tokens', {
        body: { name: 'x', expiresAt },
        as: ann.as,
      });
      expect(res.status, JSON.stringify(expiresAt)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const list = await rest.call<{ tokens: TokenRow[] }>('GET', '/api/tokens', { as: ann.as });
    expect(list.body.tokens.map((tk) => tk.name)).toEqual(['test']);
  });

  it('an expired token gets 401 on REST; one without expiry keeps working', async () => {
    const ann = await rest.signup('ann@example.com');
    const short = await rest.call<{ token: string }>('POST', '/api/tokens', {
      body: { name: 'short', expiresAt: Date.now() + 400 },
      as: ann.as,
    });
    expect((await rest.call('GET', '/api/workflows', { as: { token: short.body.token } })).status).toBe(200);
    await sleep(500);
    const res = await rest.call<{ error: { code: string } }>('GET', '/api/workflows', {
      as: { token: short.body.token },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect((await rest.call('GET', '/api/workflows', { as: { token: ann.token } })).status).toBe(200);
  });

  it('DELETE answers 204, then the token gets 401; another account cannot delete it (404)', async () => {
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const list = await rest.call<{ tokens: TokenRow[] }>('GET', '/api/tokens', { as: ann.as });
    const id = list.body.tokens[0]?.id ?? '';
    expect((await rest.call('DELETE', `/api/tokens/${id}`, { as: bob.as })).status).toBe(404);
    expect((await rest.call('GET', '/api/auth/me', { as: { token: ann.token } })).status).toBe(200);
    expect((await rest.call('DELETE', `/api/tokens/${id}`, { as: ann.as })).status).toBe(204);
    expect((await rest.call('GET', '/api/auth/me', { as: { token: ann.token } })).status).toBe(401);
    expect((await rest.call('DELETE', `/api/tokens/${id}`, { as: ann.as })).status).toBe(404);
  });
});
