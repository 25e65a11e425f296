import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '#shared/protocol/engine.ts';
import { AddressPolicy, nonPublicKind, parseHostEntry } from '../src/net/address-policy.ts';
import { items, runNode } from './harness.ts';

/**
 * The SSRF guard, with real HTTP servers on two loopback addresses
 * (127.0.0.1 and 127.0.0.2): what HTTP Request refuses by default, by
 * literal address, by a name that resolves to one, by redirect; what the
 * allow and deny lists change; and that credentials stay with their origin.
 */

interface Seen {
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let first: Server;
let second: Server;
let firstPort = 0;
let secondPort = 0;
const seenFirst: Seen[] = [];
const seenSecond: Seen[] = [];

const listen = (server: Server, host: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));

const recorder = (seen: Seen[], route: (url: string, res: import('node:http').ServerResponse) => void) =>
  createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body });
      route(req.url ?? '', res);
    });
  });

const echo = (seen: Seen[], res: import('node:http').ServerResponse) => {
  const last = seen[seen.length - 1];
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      method: last?.method,
      auth: last?.headers.authorization ?? null,
      key: last?.headers['x-api-key'] ?? null,
      trace: last?.headers['x-trace'] ?? null,
      body: last?.body ?? '',
    }),
  );
};

beforeAll(async () => {
  first = recorder(seenFirst, (url, res) => {
    if (url === '/to-second') res.writeHead(302, { location: `http://127.0.0.2:${secondPort}/landing` }).end();
    else if (url === '/same-origin') res.writeHead(302, { location: '/landing' }).end();
    else if (url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url === '/see-other') res.writeHead(303, { location: '/landing' }).end();
    else if (url === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else echo(seenFirst, res);
  });
  second = recorder(seenSecond, (_url, res) => echo(seenSecond, res));
  firstPort = await listen(first, '127.0.0.1');
  secondPort = await listen(second, '127.0.0.2');
});
afterAll(() => {
  first.close();
  second.close();
});
beforeEach(() => {
  seenFirst.length = 0;
  seenSecond.length = 0;
});

const open: NetworkPolicy = { privateAddresses: 'allow', allow: [], deny: [] };
const onlyFirst: NetworkPolicy = { privateAddresses: 'block', allow: ['127.0.0.1'], deny: [] };
const bothLoopbacks: NetworkPolicy = { privateAddresses: 'block', allow: ['127.0.0.0/8'], deny: [] };

const call = (url: string, network?: NetworkPolicy, params: Record<string, unknown> = {}, extra = {}) =>
  runNode('httpRequest', { url, ...params }, items({}), { ...(network ? { network } : {}), ...extra });

describe('HTTP Request refuses non-public addresses by default', () => {
  it.each([
    ['loopback', () => `http://127.0.0.1:${firstPort}/`, /127\.0\.0\.1 is a loopback address/],
    ['IPv6 loopback', () => `http://[::1]:${firstPort}/`, /::1 is a loopback address/],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${firstPort}/`, /is a loopback address/],
    ['loopback as one number', () => `http://2130706433:${firstPort}/`, /127\.0\.0\.1 is a loopback address/],
    ['unspecified', () => `http://0.0.0.0:${firstPort}/`, /0\.0\.0\.0 is an unspecified address/],
    ['RFC 1918', () => 'http://10.1.2.3/', /10\.1\.2\.3 is a private address/],
    ['RFC 1918 (192.168)', () => 'http://192.168.0.1/', /is a private address/],
    ['CGNAT', () => 'http://100.64.0.1/', /is a carrier-grade NAT \(shared\) address/],
    ['multicast', () => 'http://224.0.0.1/', /is a multicast address/],
    ['unique-local IPv6', () => 'http://[fc00::1]/', /fc00::1 is a unique-local \(private\) address/],
    ['link-local IPv6', () => 'http://[fe80::1]/', /is a link-local address/],
    ['NAT64 of a loopback address', () => 'http://[64:ff9b::7f00:1]/', /is a loopback address/],
    ['cloud metadata (AWS, GCP, Azure)', () => 'http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['cloud metadata over IPv6 (AWS)', () => 'http://[fd00:ec2::254]/', /cloud metadata/],
    ['cloud metadata by name (GCP)', () => 'http://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
  ])('%s', async (_what, url, reason) => {
    await expect(call(url())).rejects.toThrow(/^GET http.* was refused: /);
    await expect(call(url())).rejects.toThrow(reason);
    expect(seenFirst).toEqual([]);
  });

  it('a host name is checked on the address it resolves to, when connecting: localhost is refused', async () => {
    await expect(call(`http://localhost:${firstPort}/`)).rejects.toThrow(
      /GET http:\/\/localhost:\d+\/ was refused: localhost \((127\.0\.0\.1|::1)\) is a loopback address/,
    );
    expect(seenFirst).toEqual([]);
  });

  it('cloud metadata stays refused where private addresses are allowed, unless allowed by name or range', async () => {
    await expect(call('http://169.254.169.254/', open)).rejects.toThrow(/cloud metadata/);
    await expect(call('http://metadata.google.internal/', open)).rejects.toThrow(/cloud metadata/);
    await expect(call('http://[fd00:ec2::254]/', open)).rejects.toThrow(/cloud metadata/);
    const policy = new AddressPolicy({ privateAddresses: 'block', allow: ['169.254.169.254'], deny: [] });
    expect(() => policy.checkAddress('169.254.169.254', ipaddr.parse('169.254.169.254'))).not.toThrow();
  });
});

describe('what the policy opens and closes', () => {
  it('WEFT_HTTP_PRIVATE=allow reaches the local network', async () => {
    const out = await call(`http://127.0.0.1:${firstPort}/`, open);
    expect(out.main?.[0]?.json).toMatchObject({ method: 'GET' });
    expect(seenFirst).toHaveLength(1);
  });

  it('an allowed address, range or host name is reached; others are not', async () => {
    expect((await call(`http://127.0.0.1:${firstPort}/`, onlyFirst)).main).toHaveLength(1);
    await expect(call(`http://127.0.0.2:${secondPort}/`, onlyFirst)).rejects.toThrow(/127\.0\.0\.2 is a loopback/);
    expect((await call(`http://127.0.0.2:${secondPort}/`, bothLoopbacks)).main).toHaveLength(1);
    const byName: NetworkPolicy = { privateAddresses: 'block', allow: ['localhost'], deny: [] };
    expect((await call(`http://localhost:${firstPort}/`, byName)).main).toHaveLength(1);
  });

  it('a denied address or name is refused even where private addresses are allowed', async () => {
    const denyAddress: NetworkPolicy = { privateAddresses: 'allow', allow: [], deny: ['127.0.0.2'] };
    await expect(call(`http://127.0.0.2:${secondPort}/`, denyAddress)).rejects.toThrow(/deny list \(WEFT_HTTP_DENY\)/);
    expect((await call(`http://127.0.0.1:${firstPort}/`, denyAddress)).main).toHaveLength(1);
    const denyName: NetworkPolicy = { privateAddresses: 'allow', allow: [], deny: ['*.example.com', 'localhost'] };
    await expect(call(`http://localhost:${firstPort}/`, denyName)).rejects.toThrow(
      /localhost is on this server's deny/,
    );
    await expect(call('http://api.example.com/', denyName)).rejects.toThrow(
      /api\.example\.com is on this server's deny/,
    );
    expect(seenSecond).toEqual([]);
  });
});

describe('redirects', () => {
  it('a redirect from an allowed server to a private one is refused at the hop', async () => {
    await expect(call(`http://127.0.0.1:${firstPort}/to-second`, onlyFirst)).rejects.toThrow(
      /was refused: 127\.0\.0\.2 is a loopback address/,
    );
    expect(seenFirst.map((s) => s.url)).toEqual(['/to-second']);
    expect(seenSecond).toEqual([]);
  });

  it('credentials go along a same-origin redirect but never to another origin', async () => {
    const bearer = {
      node: { credentials: { httpAuth: 'c1' } },
      credentials: { c1: { type: 'bearer' as const, token: 'secret-token' } },
    };
    const headers = { sendHeaders: true, headerParameters: [{ name: 'X-Trace', value: 't1' }] };
    const params = { authentication: 'credential', ...headers };
    const same = await call(`http://127.0.0.1:${firstPort}/same-origin`, bothLoopbacks, params, bearer);
    expect(same.main?.[0]?.json).toMatchObject({ auth: 'Bearer secret-token', trace: 't1' });
    const cross = await call(`http://127.0.0.1:${firstPort}/to-second`, bothLoopbacks, params, bearer);
    expect(cross.main?.[0]?.json).toMatchObject({ auth: null, trace: 't1' });
    expect(seenSecond[0]?.headers.authorization).toBeUndefined();

    const apiKey = {
      node: { credentials: { httpAuth: 'c2' } },
      credentials: { c2: { type: 'apiKeyHeader' as const, name: 'X-Api-Key', value: 'k-123' } },
    };
    const keyed = await call(`http://127.0.0.1:${firstPort}/to-second`, bothLoopbacks, params, apiKey);
    expect(keyed.main?.[0]?.json).toMatchObject({ key: null, trace: 't1' });
    expect(seenFirst.at(-1)?.headers['x-api-key']).toBe('k-123');
  });

  it('an SMTP or Crypto credential never goes out as an HTTP login', async () => {
    const params = { authentication: 'credential' };
    for (const secret of [
      {
        type: 'smtp' as const,
        host: 'smtp.example.com',
        port: 465,
        secure: true,
        user: 'mailer',
        password: 'smtp-secret',
        disableStartTls: false,
        hostName: '',
      },
      { type: 'crypto' as const, hmacSecret: 'hmac-secret', signPrivateKey: '' },
    ]) {
      const other = { node: { credentials: { httpAuth: 'c3' } }, credentials: { c3: secret } };
      await expect(call(`http://127.0.0.1:${firstPort}/same-origin`, bothLoopbacks, params, other)).rejects.toThrow(
        `a ${secret.type} credential cannot authenticate an HTTP request`,
      );
    }
    expect(seenFirst).toEqual([]);
  });

  it('at most 10 redirects are followed; only http and https', async () => {
    await expect(call(`http://127.0.0.1:${firstPort}/loop`, onlyFirst)).rejects.toThrow(/more than 10 redirects/);
    expect(seenFirst).toHaveLength(11);
    await expect(call(`http://127.0.0.1:${firstPort}/to-file`, onlyFirst)).rejects.toThrow(
      /redirected to a file: URL; only http and https are followed/,
    );
  });

  it('303 after a POST continues as a GET without the body', async () => {
    const out = await call(`http://127.0.0.1:${firstPort}/see-other`, onlyFirst, {
      method: 'POST',
      sendBody: true,
      contentType: 'json',
      jsonBody: '{"a":1}',
    });
    expect(out.main?.[0]?.json).toMatchObject({ method: 'GET', body: '' });
    expect(seenFirst.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /see-other', 'GET /landing']);
  });
});

describe('address rules', () => {
  const kind = (text: string) => nonPublicKind(ipaddr.process(text));

  it.each([
    ['8.8.8.8', undefined],
    ['2606:4700:4700::1111', undefined],
    ['64:ff9b::808:808', undefined],
    ['127.0.0.53', 'loopback'],
    ['172.31.255.255', 'private'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:0808:0808::', undefined],
    ['2001:db8::1', 'reserved'],
    ['ff02::1', 'multicast'],
  ])('%s is %s', (address, expected) => {
    expect(kind(address)).toBe(expected);
  });

  it('allow and deny entries: addresses, CIDR ranges, host names and *.domain; nothing else', () => {
    expect(parseHostEntry('10.0.0.0/8')).toMatchObject({ kind: 'range' });
    expect(parseHostEntry('fd00::/8')).toMatchObject({ kind: 'range' });
    expect(parseHostEntry('[::1]')).toMatchObject({ kind: 'range' });
    expect(parseHostEntry('Internal.Example.com.')).toEqual({ kind: 'name', name: 'internal.example.com' });
    expect(parseHostEntry('*.corp.example')).toEqual({ kind: 'suffix', name: 'corp.example' });
    for (const bad of ['10.0.0.0/33', 'http://x', '*.', 'a b', '*']) expect(parseHostEntry(bad)).toBeUndefined();
    const policy = new AddressPolicy({ privateAddresses: 'block', allow: ['*.corp.example', '10.0.0.0/8'], deny: [] });
    expect(policy.allowsName('api.corp.example')).toBe(true);
    expect(policy.allowsName('corp.example')).toBe(false);
    expect(() => policy.checkAddress('db', ipaddr.parse('10.9.9.9'))).not.toThrow();
    expect(() => policy.checkAddress('db', ipaddr.parse('::ffff:10.9.9.9'))).not.toThrow();
    expect(() => policy.checkAddress('db', ipaddr.parse('192.168.1.1'))).toThrow(/private address/);
  });
});
