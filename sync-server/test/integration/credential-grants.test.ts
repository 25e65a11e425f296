import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * A job carries a credential only where its owner granted it to that workflow
 * (issue 10, scope 5): being added to someone else's workflow grants nothing.
 * A real server, a real engine process and a real HTTP server on 127.0.0.1
 * that records every request's headers.
 */

const ALICE_SECRET = 'alice-private-token-5f1d';

let t: TestServer;
let engine: ChildProcess | undefined;
let api: Server;
let seen: IncomingHttpHeaders[];
let apiUrl: string;

beforeEach(async () => {
  seen = [];
  api = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/steal`;
  // This test calls a server on 127.0.0.1: it allows that address explicitly (the outbound guard).
  t = await startTestServer({ httpAllow: ['127.0.0.1'] });
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterEach(async () => {
  await stopEngine(engine);
  await t.close();
  await new Promise((resolve) => api.close(resolve));
});

interface Execution {
  status: string;
  error: string | null;
}

/** Manual Trigger → an HTTP Request node calling `url` with the credential `credentialId`. */
const callingFlow = (name: string, nodeName: string, url: string, credentialId: string) => ({
  weft: 1,
  name,
  nodes: [
    { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
    {
      id: 'call',
      name: nodeName,
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { method: 'GET', url, authentication: 'credential' },
      credentials: { httpAuth: credentialId },
    },
  ],
  edges: [{ source: 'start', target: 'call' }],
});

describe('credential grants', () => {
  it("Mallory cannot run Alice's credential in his workflow by making her an editor; her grant lets it, her revoke stops it", async () => {
    const rest = restClient(t.baseUrl);
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const mallory = await rest.signup('mallory@example.com', 'Mallory');
    const credential = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Her API', type: 'bearer', data: { token: ALICE_SECRET } },
      as: alice.as,
    });
    expect(credential.status).toBe(201);

    // Mallory's workflow: an HTTP Request node to his server, carrying Alice's credential id
    // (ids show in every document that uses one), and Alice as an editor of it.
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: mallory.as,
      body: callingFlow('Innocent', 'Call', apiUrl, credential.body.id),
    });
    expect(imported.status).toBe(201);
    const workflowId = imported.body.id;
    await rest.addMember(mallory.as, workflowId, alice, 'editor');

    const run = async (): Promise<Execution> => {
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: mallory.as });
      expect(started.status).toBe(201);
      return waitUntil(async () => {
        const r = await rest.call<Execution>('GET', `/api/executions/${started.body.id}`, { as: mallory.as });
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
      }, 'the run to end');
    };
    const leaked = () => seen.filter((h) => JSON.stringify(h).includes(ALICE_SECRET));

    const refused = await run();
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/^Node "Call" uses credential \S+, whose owner has not granted it to this workflow/);
    expect(leaked()).toEqual([]);

    // Alice grants it to this workflow: now its runs carry it.
    const grant = await rest.call('POST', `/api/credentials/${credential.body.id}/grants`, {
      body: { workflowId },
      as: alice.as,
    });
    expect(grant.status).toBe(201);
    const allowed = await run();
    expect(allowed).toMatchObject({ status: 'succeeded', error: null });
    expect(leaked().map((h) => h.authorization)).toEqual([`Bearer ${ALICE_SECRET}`]);

    // She takes it back: the next run fails again and nothing more reaches the server.
    expect(
      (await rest.call('DELETE', `/api/credentials/${credential.body.id}/grants/${workflowId}`, { as: alice.as }))
        .status,
    ).toBe(204);
    const revoked = await run();
    expect(revoked.status).toBe('failed');
    expect(revoked.error).toMatch(/whose owner has not granted it to this workflow/);
    expect(leaked()).toHaveLength(1);

    // Granted again, then Alice is removed from the workflow: the grant goes with her.
    await rest.call('POST', `/api/credentials/${credential.body.id}/grants`, { body: { workflowId }, as: alice.as });
    expect(
      (await rest.call('DELETE', `/api/workflows/${workflowId}/members/${alice.user.id}`, { as: mallory.as })).status,
    ).toBe(204);
    const afterRemoval = await run();
    expect(afterRemoval.status).toBe('failed');
    expect(afterRemoval.error).toMatch(/whose owner has not granted it to this workflow/);
    expect(leaked()).toHaveLength(1);
  });

  it("owning the workflow grants nothing either: Alice's own workflow needs her grant too", async () => {
    const rest = restClient(t.baseUrl);
    const alice = await rest.signup('alice@example.com');
    const credential = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Key', type: 'apiKeyHeader', data: { name: 'X-Api-Key', value: ALICE_SECRET } },
      as: alice.as,
    });
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: alice.as,
      body: callingFlow('Mine', 'Fetch orders', apiUrl, credential.body.id),
    });
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, {
      as: alice.as,
    });
    const ended = await waitUntil(async () => {
      const r = await rest.call<Execution>('GET', `/api/executions/${started.body.id}`, { as: alice.as });
      return r.body.status === 'failed' || r.body.status === 'succeeded' ? r.body : undefined;
    }, 'the run to end');
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/^Node "Fetch orders" uses credential \S+, whose owner has not granted it/);
    expect(seen).toEqual([]);
  });

  it('runs carrying a credential are in the audit trail once per credential and version, with who started them', async () => {
    const rest = restClient(t.baseUrl);
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const credential = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Her API', type: 'bearer', data: { token: ALICE_SECRET } },
      as: alice.as,
    });
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: alice.as,
      body: callingFlow('Orders', 'Call', apiUrl, credential.body.id),
    });
    const workflowId = imported.body.id;
    await rest.call('POST', `/api/credentials/${credential.body.id}/grants`, { body: { workflowId }, as: alice.as });
    const run = async (): Promise<{ id: string; versionHash: string }> => {
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: alice.as });
      return waitUntil(async () => {
        const r = await rest.call<Execution & { id: string; versionHash: string }>(
          'GET',
          `/api/executions/${started.body.id}`,
          { as: alice.as },
        );
        return r.body.status === 'succeeded' ? r.body : undefined;
      }, 'the run to succeed');
    };
    const used = async () =>
      (
        await rest.call<{ events: { action: string; via: string; target: unknown; data: Record<string, unknown> }[] }>(
          'GET',
          `/api/workflows/${workflowId}/audit?limit=200`,
          { as: alice.as },
        )
      ).body.events.filter((e) => e.action === 'credential.used');

    const first = await run();
    await run();
    await waitUntil(async () => ((await used()).length > 0 ? true : undefined), 'credential.used to be recorded');
    expect(await used()).toMatchObject([
      {
        via: 'engine',
        target: { type: 'credential', id: credential.body.id },
        data: { executionId: first.id, versionHash: first.versionHash, startedBy: alice.user.id },
      },
    ]);

    // Another version of the workflow: its first run is recorded too.
    expect(
      (await rest.call('PATCH', `/api/workflows/${workflowId}`, { body: { name: 'Orders v2' }, as: alice.as })).status,
    ).toBe(200);
    const third = await run();
    expect(third.versionHash).not.toBe(first.versionHash);
    await waitUntil(async () => ((await used()).length === 2 ? true : undefined), 'the new version’s use');
    expect((await used()).map((e) => e.data.executionId)).toEqual([third.id, first.id]);
  });
});
