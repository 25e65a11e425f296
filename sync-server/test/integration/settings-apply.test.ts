import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Every instance setting takes effect without a restart, on a real server
 * with a real engine process and a real SMTP server on 127.0.0.1: the
 * outbound allow-list reaches the engine with the next job, a run without a
 * time limit of its own gets the new default, the retention round uses the
 * new limits, and the next mail goes through the new SMTP server.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
let rest: ReturnType<typeof restClient>;
let admin: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let smtp: SMTPServer;
let api: Server;
let apiCalls = 0;
const received: ParsedMail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  api = createServer((_req, res) => {
    apiCalls++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
  rest = restClient(t.baseUrl);
  admin = await rest.signup('admin@example.com');
});

afterAll(async () => {
  await stopEngine(engine);
  await t.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
  api.close();
});

const node = (id: string, type: string, parameters: Record<string, unknown> = {}, x = 0) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

const importWorkflow = async (name: string, nodes: unknown[], settings: Record<string, unknown> = {}) => {
  const r = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: {
      weft: 1,
      name,
      settings,
      nodes,
      edges: nodes.slice(1).map((n, i) => ({
        source: (nodes[i] as { id: string }).id,
        target: (n as { id: string }).id,
      })),
    },
    as: admin.as,
  });
  expect(r.status).toBe(201);
  return r.body.id;
};

const run = async (workflowId: string) => {
  const r = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: admin.as });
  expect(r.status).toBe(201);
  return waitUntil(
    async () => {
      const e = await rest.call<{ status: string; error: string | null }>('GET', `/api/executions/${r.body.id}`, {
        as: admin.as,
      });
      return ['succeeded', 'failed', 'canceled'].includes(e.body.status) ? e.body : undefined;
    },
    `execution ${r.body.id} to end`,
    20_000,
  );
};

const patch = async (body: unknown) => {
  const res = await rest.call('PATCH', '/api/admin/settings', { body, as: admin.as });
  expect(res.status).toBe(200);
  return res.body;
};

describe('settings applied without a restart', () => {
  it('the outbound allow-list reaches the running engine with the next job', async () => {
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;
    const wf = await importWorkflow('Call', [
      node('Start', 'manualTrigger'),
      node('Call', 'httpRequest', { url }, 200),
    ]);
    // Open sign-up: private addresses are refused.
    const refused = await run(wf);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/127\.0\.0\.1 is a loopback/);
    expect(apiCalls).toBe(0);
    await patch({ outboundAllow: ['127.0.0.1'] });
    expect((await run(wf)).status).toBe('succeeded');
    expect(apiCalls).toBe(1);
    await patch({ outboundAllow: [] });
    expect((await run(wf)).status).toBe('failed');
    expect(apiCalls).toBe(1);
  });

  it('a run without a time limit of its own gets the new default; one with its own keeps it', async () => {
    const nodes = [node('Start', 'manualTrigger'), node('Pause', 'wait', { amount: 3, unit: 'seconds' }, 200)];
    const plain = await importWorkflow('Plain', nodes);
    const own = await importWorkflow('Own', nodes, { timeoutSeconds: 30 });
    await patch({ defaultTimeoutSeconds: 1 });
    const cut = await run(plain);
    expect(cut.status).toBe('failed');
    expect(cut.error).toMatch(/longer than its 1 s limit/);
    expect((await run(own)).status).toBe('succeeded');
    await patch({ defaultTimeoutSeconds: 300 });
    expect(await run(plain)).toMatchObject({ status: 'succeeded', error: null });
  });

  it('the retention round uses the new limits', async () => {
    const wf = await importWorkflow('Many', [node('Start', 'manualTrigger')]);
    for (let i = 0; i < 3; i++) expect((await run(wf)).status).toBe('succeeded');
    // The environment's limits (14 days, 10,000 runs) keep them all.
    expect(await t.server.retention.tick()).toBe(0);
    await patch({ executionRetention: { maxAgeDays: 0, maxCount: 2 } });
    const total = (
      await rest.call<{ executions: unknown[] }>('GET', `/api/executions?workflowId=${wf}`, { as: admin.as })
    ).body.executions.length;
    expect(await t.server.retention.tick()).toBeGreaterThan(0);
    const left = await rest.call<{ executions: unknown[] }>('GET', `/api/executions?workflowId=${wf}`, {
      as: admin.as,
    });
    expect(left.body.executions.length).toBeLessThan(total);
    await patch({ executionRetention: { maxAgeDays: 14, maxCount: 10_000 } });
  });

  it('the next mail goes through the SMTP server set in the page', async () => {
    const wf = await rest.createWorkflow(admin.as, 'Mail');
    const invite = () =>
      rest.call('POST', `/api/workflows/${wf}/invitations`, {
        body: { emails: [`guest${received.length}@example.com`], role: 'viewer' },
        as: admin.as,
      });
    // No SMTP in the environment: invitations by email are refused.
    expect((await invite()).status).toBe(409);
    expect((await rest.call('GET', '/api/instance')).body).toMatchObject({ emailInvitations: false });
    await patch({
      smtp: {
        host: '127.0.0.1',
        port: (smtp.server.address() as AddressInfo).port,
        secure: false,
        user: null,
        from: 'Settings <settings@example.com>',
      },
    });
    expect((await rest.call('GET', '/api/instance')).body).toMatchObject({ emailInvitations: true });
    expect((await invite()).status).toBe(202);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(received[0]?.from?.value).toEqual([{ name: 'Settings', address: 'settings@example.com' }]);
    await patch({ smtp: null });
    expect((await invite()).status).toBe(409);
  });
});
