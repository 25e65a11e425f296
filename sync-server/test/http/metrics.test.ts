import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { setParameter } from '#shared/schema/write.ts';
import { waitUntil } from '../helpers/engine-process.ts';
import { parseMetrics } from '../helpers/prometheus.ts';
import { restClient } from '../helpers/rest.ts';
import { spawnServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { dropTestDatabase } from '../helpers/test-database.ts';
import { freePort } from '../../../shared/test/support/free-port.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { importWorkflow, node, serverWithEngine } from '../helpers/workflow-runs.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

const env = serverWithEngine({}, { per: 'all' });
let admin: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>> | undefined;
/** The instance admin (the first account), signed up once for the file. */
const theAdmin = async () => (admin ??= await env.rest.signup('admin@example.com'));
const clients: YwsClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A GET over node:http, which lets the test name any Host (fetch does not). */
const rawGet = (port: number, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

const scrape = async (baseUrl: string, token?: string) =>
  fetch(`${baseUrl}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

const scrapeParsed = async (token: string): Promise<Map<string, PrometheusFamily>> => {
  const res = await scrape(env.t.baseUrl, token);
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
};

const family = (families: Map<string, PrometheusFamily>, name: string, type: PrometheusFamily['type']) => {
  const found = families.get(name);
  expect(found, `family ${name}`).toBeDefined();
  expect(found?.type).toBe(type);
  return found as PrometheusFamily;
};

/** A counter's or gauge's value for these labels (all of them, exactly), or undefined when there is no such series. */
const valueOf = (f: PrometheusFamily, labels: Record<string, string> = {}): number | undefined => {
  const sample = f.metrics.find(
    (m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  return sample?.value === undefined ? undefined : Number(sample.value);
};

const histogramCount = (f: PrometheusFamily): number => Number(f.metrics[0]?.count ?? 0);

const expectRefused = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string; message: string } }).error.code).toBe(code);
};

describe('GET /metrics', () => {
  it('gives an admin the Prometheus text, in which a socket, a room, an edit, a commit and a webhook run show', async () => {
    const { rest, t } = env;
    const admin = await theAdmin();
    expect(admin.user.isAdmin).toBe(true);
    const workflowId = await importWorkflow(rest, admin.as, {
      name: 'Metered',
      nodes: [
        node('hook', 'Hook', 'webhook', { path: 'metered/hook', httpMethod: 'POST', responseMode: 'lastNode' }, 0),
        node('tag', 'Tag', 'set', { assignments: [{ name: 'seen', value: 'yes', type: 'string' }] }, 200),
      ],
      edges: [{ source: 'hook', target: 'tag' }],
    });

    const before = await scrapeParsed(admin.token);
    const updatesBefore = valueOf(family(before, 'weft_updates_total', 'COUNTER')) ?? 0;
    const webhooksBefore = histogramCount(family(before, 'weft_webhook_duration_seconds', 'HISTOGRAM'));

    // A real editor: the stock y-websocket client, one edit.
    const client = connectClient(t.wsUrl, workflowId, { token: admin.token });
    clients.push(client);
    await client.synced();
    setParameter(client.doc, 'tag', 'assignments', [{ name: 'seen', value: 'edited', type: 'string' }]);

    // A real run: the webhook answers once the engine ended it.
    expect((await rest.call('POST', `/api/workflows/${workflowId}/publish`, { as: admin.as })).status).toBe(200);
    expect((await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: admin.as })).status).toBe(200);
    const hooked = await fetch(`${t.baseUrl}/webhook/metered/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(hooked.status).toBe(200);
    expect(await hooked.json()).toMatchObject({ seen: 'edited' });

    // The end is counted once its row is read back: a scrape soon after sees it.
    const after = await waitUntil(async () => {
      const families = await scrapeParsed(admin.token);
      const ended = valueOf(family(families, 'weft_executions_total', 'COUNTER'), {
        status: 'succeeded',
        mode: 'webhook',
      });
      return ended === 1 ? families : undefined;
    }, 'the webhook run to be counted');

    const res = await scrape(t.baseUrl, admin.token);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(family(after, 'weft_sockets', 'GAUGE'))).toBe(1);
    expect(valueOf(family(after, 'weft_rooms', 'GAUGE'))).toBeGreaterThanOrEqual(1);
    expect(valueOf(family(after, 'weft_engines', 'GAUGE'))).toBe(1);
    expect(valueOf(family(after, 'weft_queued_executions', 'GAUGE'))).toBe(0);
    expect(valueOf(family(after, 'weft_updates_total', 'COUNTER'))).toBeGreaterThan(updatesBefore);
    family(after, 'weft_compactions_total', 'COUNTER');
    const commits = family(after, 'weft_commit_duration_seconds', 'HISTOGRAM');
    expect(histogramCount(commits)).toBeGreaterThanOrEqual(1);
    expect(Number(commits.metrics[0]?.buckets?.['+Inf'])).toBe(histogramCount(commits));
    const webhooks = family(after, 'weft_webhook_duration_seconds', 'HISTOGRAM');
    expect(histogramCount(webhooks)).toBe(webhooksBefore + 1);
    expect(Number(webhooks.metrics[0]?.sum)).toBeGreaterThan(0);
    // prom-client's default process metrics.
    expect(valueOf(family(after, 'process_resident_memory_bytes', 'GAUGE'))).toBeGreaterThan(0);
    family(after, 'nodejs_heap_size_used_bytes', 'GAUGE');

    // The admin page's JSON stays, and reads the same sources.
    const json = await rest.call<{ rooms: number; sockets: number }>('GET', '/api/admin/metrics', { as: admin.as });
    expect(json.body.sockets).toBe(valueOf(family(after, 'weft_sockets', 'GAUGE')));

    client.destroy();
    await waitUntil(async () => {
      const families = await scrapeParsed(admin.token);
      return valueOf(family(families, 'weft_sockets', 'GAUGE')) === 0 ? true : undefined;
    }, 'the closed socket to leave the gauge');
    // The room, left alone, unloads: its log is folded into a snapshot on the way out.
    await waitUntil(async () => {
      const families = await scrapeParsed(admin.token);
      return (valueOf(family(families, 'weft_compactions_total', 'COUNTER')) ?? 0) >= 1 ? true : undefined;
    }, 'the unloaded room to be compacted');
  });

  it('refuses a request without a token, with a session cookie, a member’s token, a revoked one, a disabled account’s', async () => {
    const { rest, t } = env;
    const admin = await theAdmin();
    const ann = await rest.signup('ann@example.com');
    expect(ann.user.isAdmin).toBe(false);

    const bare = await scrape(t.baseUrl);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    await expectRefused(bare, 401, 'unauthorized');
    // A session is no way in: a scraper has none, and a page riding on one must not read this.
    await expectRefused(
      await fetch(`${t.baseUrl}/metrics`, { headers: { cookie: admin.cookie } }),
      401,
      'unauthorized',
    );
    await expectRefused(await scrape(t.baseUrl, 'not-a-token'), 401, 'unauthorized');
    await expectRefused(await scrape(t.baseUrl, ann.token), 403, 'forbidden');

    const extra = await rest.call<{ token: string; id: string }>('POST', '/api/tokens', {
      body: { name: 'scraper' },
      as: admin.as,
    });
    expect(extra.status).toBe(201);
    expect((await scrape(t.baseUrl, extra.body.token)).status).toBe(200);
    expect((await rest.call('DELETE', `/api/tokens/${extra.body.id}`, { as: admin.as })).status).toBe(204);
    await expectRefused(await scrape(t.baseUrl, extra.body.token), 401, 'unauthorized');

    expect((await rest.call('POST', `/api/admin/users/${ann.user.id}/disable`, { as: admin.as })).status).toBe(200);
    await expectRefused(await scrape(t.baseUrl, ann.token), 401, 'unauthorized');
  });

  it('answers a scraper that names the server by a host the Host guard does not list, and is not the web app', async () => {
    const { t } = env;
    const admin = await theAdmin();
    const port = Number(new URL(t.baseUrl).port);
    // Prometheus in a container network scrapes by service name; an API call by that name is refused.
    const byName = await rawGet(port, '/metrics', { host: 'weft:8787', authorization: `Bearer ${admin.token}` });
    expect(byName.status).toBe(200);
    expect(parseMetrics(byName.body).has('weft_sockets')).toBe(true);
    expect((await rawGet(port, '/api/admin/metrics', { host: 'weft:8787' })).status).toBe(421);
    // Without a token it is an API refusal, never the SPA's index.html.
    const html = await rawGet(port, '/metrics', { host: 'weft:8787', accept: 'text/html' });
    expect(html.status).toBe(401);
    expect(html.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('the metrics port (WEFT_METRICS_PORT)', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('serves /metrics without a token on its own port, bound to loopback, and nothing else', async () => {
    t = await startTestServer({ metricsPort: 0 });
    const { port, metricsPort } = await t.server.listen();
    expect(metricsPort).toBeDefined();
    expect(metricsPort).not.toBe(port);
    expect(t.server.metrics).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseMetrics(await res.text());
    expect(families.get('weft_rooms')?.type).toBe('GAUGE');
    expect(families.get('weft_executions_total')?.type).toBe('COUNTER');
    // Only /metrics: the API and the web app stay on the main port.
    await expectRefused(await fetch(`http://127.0.0.1:${metricsPort}/api/admin/metrics`), 404, 'not_found');
    await expectRefused(await fetch(`http://127.0.0.1:${metricsPort}/`), 404, 'not_found');
    // The main port still wants a token.
    await expectRefused(await fetch(`http://127.0.0.1:${port}/metrics`), 401, 'unauthorized');
  });

  it('counts a run waiting without an engine as queued, and its cancel by status and mode', async () => {
    t = await startTestServer({ metricsPort: 0 });
    const { metricsPort } = await t.server.listen();
    const rest = restClient(`http://127.0.0.1:${String((t.server.http.address() as AddressInfo).port)}`);
    const owner = await rest.signup('owner@example.com');
    const workflowId = await importWorkflow(rest, owner.as, {
      name: 'Waits',
      nodes: [node('start', 'Start', 'manualTrigger', {}, 0)],
      edges: [],
    });
    const read = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect(started.status).toBe(201);
    const waiting = await read();
    expect(valueOf(family(waiting, 'weft_engines', 'GAUGE'))).toBe(0);
    expect(valueOf(family(waiting, 'weft_queued_executions', 'GAUGE'))).toBe(1);

    expect((await rest.call('POST', `/api/executions/${started.body.id}/stop`, { as: owner.as })).status).toBe(202);
    const canceled = await waitUntil(async () => {
      const families = await read();
      const ended = valueOf(family(families, 'weft_executions_total', 'COUNTER'), {
        status: 'canceled',
        mode: 'manual',
      });
      return ended === 1 ? families : undefined;
    }, 'the canceled run to be counted');
    expect(valueOf(family(canceled, 'weft_queued_executions', 'GAUGE'))).toBe(0);
  });

  it('is not opened unless configured', async () => {
    t = await startTestServer();
    const address = await t.server.listen();
    expect(address.metricsPort).toBeUndefined();
  });
});

describe('weft serve with WEFT_METRICS_PORT', () => {
  it('opens the port the environment names and logs it; a port taken makes it exit naming that port', async () => {
    const dir = tempDir();
    const other = tempDir();
    const metricsPort = await freePort();
    const env = { WEFT_METRICS_PORT: String(metricsPort), WEFT_ENGINE: 'none' };
    const server = await spawnServer(dir.path, { env });
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(parseMetrics(await res.text()).get('weft_sockets')?.type).toBe('GAUGE');
      expect(server.output.join('')).toContain(`"metrics":"http://127.0.0.1:${metricsPort}/metrics"`);
      // A second server whose main port is free but whose metrics port is not.
      await expect(spawnServer(other.path, { env })).rejects.toThrow(
        new RegExp(`exited with 1:[\\s\\S]*cannot listen on 127\\.0\\.0\\.1:${metricsPort}: the port is in use`),
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      for (const d of [dir, other]) {
        await dropTestDatabase(d.path);
        d.remove();
      }
    }
  });
});

/** Registry-per-server: two servers in one process count apart. */
describe('two servers in one process', () => {
  it('keep their own counts', async () => {
    const a = await startTestServer();
    const b = await startTestServer();
    try {
      a.server.metrics.webhookAnswered(0.01);
      const countOf = async (server: TestServer) =>
        histogramCount(
          family(parseMetrics(await server.server.metrics.text()), 'weft_webhook_duration_seconds', 'HISTOGRAM'),
        );
      expect(await countOf(a)).toBe(1);
      expect(await countOf(b)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
