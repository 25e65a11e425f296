import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { EMAIL_ATTRIBUTION } from '#shared/nodes/email-send.ts';
import type { Credential } from '../src/runner/types.ts';
import { selfSignedCertificate } from '../../shared/test/support/self-signed-certificate.ts';
import { allowLoopback, items, runNode } from './harness.ts';

/**
 * Send Email against a real SMTP server (smtp-server on 127.0.0.1, port 0)
 * that offers STARTTLS with a self-signed certificate made here by openssl
 * and asks for a login; mailparser reads what arrived. The connection goes
 * through the network policy: loopback only where the test's policy allows it.
 */

interface Received {
  mail: ParsedMail;
  envelopeTo: string[];
  secure: boolean;
  user: unknown;
  servername: unknown;
}

let dir: string;
let server: SMTPServer;
let port: number;
let closedPort: number;
const received: Received[] = [];

const USER = 'mailer';
const PASSWORD = 'correct-horse';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-smtp-'));
  const { cert, key } = selfSignedCertificate(dir);
  server = new SMTPServer({
    key: readFileSync(key),
    cert: readFileSync(cert),
    authMethods: ['PLAIN', 'LOGIN'],
    // A login is taken only over TLS (smtp-server's default), so a mail that arrives logged in came over STARTTLS.
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session: SMTPServerSession, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user,
            servername: (session as { servername?: unknown }).servername,
          });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
  // A port nothing listens on: one just closed.
  const gone = new SMTPServer({ logger: false });
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  closedPort = (gone.server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => gone.close(resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
});

const smtp = (over: Partial<Extract<Credential, { type: 'smtp' }>> = {}): Credential => ({
  type: 'smtp',
  host: '127.0.0.1',
  port,
  secure: false,
  user: USER,
  password: PASSWORD,
  disableStartTls: false,
  hostName: '',
  ...over,
});

const send = (
  parameters: Record<string, unknown>,
  options: { credential?: Credential; json?: Record<string, unknown>[]; policy?: 'default' } = {},
) =>
  runNode(
    'emailSend',
    { appendAttribution: false, allowUnauthorizedCerts: true, ...parameters },
    items(...(options.json ?? [{}])),
    {
      credentials: { c1: options.credential ?? smtp() },
      node: { credentials: { smtp: 'c1' } },
      ...(options.policy === 'default' ? {} : { network: allowLoopback }),
    },
  );

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? ''));

describe('Send Email', () => {
  it('sends over STARTTLS with a login: from, to, cc, bcc, reply-to, subject, text and HTML', async () => {
    const out = await send({
      fromEmail: 'Weft Robot <robot@example.com>',
      toEmail: 'ann@example.com, Bob <bob@example.com>',
      ccEmail: 'carol@example.com',
      bccEmail: 'dave@example.com',
      replyTo: 'help@example.com',
      subject: 'Report ✓',
      emailFormat: 'both',
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
    });
    expect(received).toHaveLength(1);
    const [{ mail, envelopeTo, secure, user }] = received as [Received];
    expect(secure).toBe(true);
    expect(user).toBe(USER);
    expect(mail.from?.value).toEqual([{ address: 'robot@example.com', name: 'Weft Robot' }]);
    expect(addresses(mail.to)).toEqual(['ann@example.com', 'bob@example.com']);
    expect(addresses(mail.cc)).toEqual(['carol@example.com']);
    // Bcc is in the envelope only, never in the headers.
    expect(mail.bcc).toBeUndefined();
    expect(envelopeTo.sort()).toEqual(['ann@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com']);
    expect(addresses(mail.replyTo)).toEqual(['help@example.com']);
    expect(mail.subject).toBe('Report ✓');
    expect(mail.text?.trim()).toBe('Plain body');
    expect(mail.html).toBe('<p>HTML <b>body</b></p>');
    const info = out.main?.[0]?.json;
    expect(info).toMatchObject({
      accepted: ['ann@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'],
      rejected: [],
      envelope: { from: 'robot@example.com' },
    });
    expect(String(info?.response)).toMatch(/^250 /);
    expect(String(info?.messageId)).toMatch(/^<.+@example\.com>$/);
  });

  it('sends one message per item, with expressions from each', async () => {
    const out = await send(
      {
        fromEmail: 'a@example.com',
        toEmail: '={{ $json.to }}',
        subject: '={{ "Hi " + $json.n }}',
        emailFormat: 'text',
        text: '={{ $json.n * 2 }}',
      },
      {
        json: [
          { to: 'x@example.com', n: 1 },
          { to: 'y@example.com', n: 2 },
        ],
      },
    );
    expect(out.main).toHaveLength(2);
    expect(received.map((r) => [addresses(r.mail.to)[0], r.mail.subject, r.mail.text?.trim()])).toEqual([
      ['x@example.com', 'Hi 1', '2'],
      ['y@example.com', 'Hi 2', '4'],
    ]);
  });

  it.each([
    ['text', { emailFormat: 'text', text: 'Body' }, 'text', `Body\n\n---\n${EMAIL_ATTRIBUTION}`],
    [
      'html',
      { emailFormat: 'html', html: '<p>Body</p>' },
      'html',
      `<p>Body</p>\n<br>\n<br>\n---\n<br>\n<em>${EMAIL_ATTRIBUTION}</em>\n`,
    ],
    [
      'both with no HTML (into the text, as n8n)',
      { emailFormat: 'both', text: 'T', html: '' },
      'text',
      `T\n\n---\n${EMAIL_ATTRIBUTION}`,
    ],
  ])('appends the attribution: %s', async (_, parameters, part, expected) => {
    await send({ fromEmail: 'a@example.com', toEmail: 'b@example.com', appendAttribution: true, ...parameters });
    const mail = received[0]?.mail;
    expect(part === 'text' ? mail?.text?.replace(/\n$/, '') : mail?.html).toBe(expected);
  });

  it('leaves STARTTLS out when the credential says so (no TLS, so the server takes no login)', async () => {
    await send(
      { fromEmail: 'a@example.com', toEmail: 'b@example.com', emailFormat: 'text', text: 'x' },
      { credential: smtp({ disableStartTls: true, user: '', password: '' }) },
    );
    expect(received[0]?.secure).toBe(false);
  });

  it('refuses the self-signed certificate unless told to ignore certificate issues', async () => {
    await expect(
      send({ fromEmail: 'a@example.com', toEmail: 'b@example.com', allowUnauthorizedCerts: false }),
    ).rejects.toThrow(/SMTP server 127\.0\.0\.1:\d+.*self[- ]signed/i);
    expect(received).toEqual([]);
  });

  it('a wrong password is a clear node error', async () => {
    await expect(
      send({ fromEmail: 'a@example.com', toEmail: 'b@example.com' }, { credential: smtp({ password: 'wrong' }) }),
    ).rejects.toThrow(/The SMTP server 127\.0\.0\.1:\d+ refused the login: Invalid login/);
  });

  it('a refused connection is a clear node error', async () => {
    await expect(
      send({ fromEmail: 'a@example.com', toEmail: 'b@example.com' }, { credential: smtp({ port: closedPort }) }),
    ).rejects.toThrow(new RegExp(`Could not connect to the SMTP server 127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED`));
  });

  it('the network policy refuses 127.0.0.1 unless it is allowed, naming the setting', async () => {
    await expect(send({ fromEmail: 'a@example.com', toEmail: 'b@example.com' }, { policy: 'default' })).rejects.toThrow(
      /may not be reached: 127\.0\.0\.1 is a loopback address.*WEFT_HTTP_ALLOW.*WEFT_HTTP_PRIVATE=allow/,
    );
    await expect(
      send(
        { fromEmail: 'a@example.com', toEmail: 'b@example.com' },
        { credential: smtp({ host: 'localhost' }), policy: 'default' },
      ),
    ).rejects.toThrow(/localhost \(.+\) is a loopback address/);
    expect(received).toEqual([]);
  });

  it('connects to the address it checked and keeps the name for TLS (SNI); an address sends no name', async () => {
    const text = { fromEmail: 'a@example.com', toEmail: 'b@example.com', emailFormat: 'text', text: 'x' };
    await send(text, { credential: smtp({ host: 'localhost' }) });
    await send(text);
    expect(received.map((r) => [r.secure, typeof r.servername === 'string' ? r.servername : null])).toEqual([
      [true, 'localhost'],
      [true, null],
    ]);
  });

  it('with continue on error, a failed item goes on with its error', async () => {
    const out = await runNode(
      'emailSend',
      { fromEmail: 'a@example.com', toEmail: 'b@example.com', allowUnauthorizedCerts: true },
      items({}),
      {
        credentials: { c1: smtp({ password: 'wrong' }) },
        node: { credentials: { smtp: 'c1' }, onError: 'continueRegularOutput' },
        network: allowLoopback,
      },
    ).catch((e: unknown) => e);
    expect(out).toMatchObject({
      failed: [{ index: 0, message: expect.stringMatching(/refused the login/) as string }],
    });
  });

  it('asks for a credential of the SMTP type', async () => {
    await expect(runNode('emailSend', {}, items({}), { network: allowLoopback })).rejects.toThrow(
      /Choose an SMTP credential/,
    );
    await expect(
      runNode('emailSend', {}, items({}), {
        credentials: { c1: { type: 'bearer', token: 't' } },
        node: { credentials: { smtp: 'c1' } },
      }),
    ).rejects.toThrow(/not an SMTP server/);
  });
});

describe('import', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [{ id: 'e', name: 'E', type: 'n8n-nodes-base.emailSend', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });

  it.each([
    [2, 'text', false],
    [2.1, 'html', true],
  ])('version %s: format %s and attribution %s by default', (version, emailFormat, appendAttribution) => {
    const result = imported(version, {
      fromEmail: 'a@example.com',
      toEmail: 'b@example.com',
      options: { ccEmail: 'c@example.com' },
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      fromEmail: 'a@example.com',
      toEmail: 'b@example.com',
      ccEmail: 'c@example.com',
      emailFormat,
      appendAttribution,
    });
    expect(result.warnings).toEqual([]);
  });

  it('names attachments and send-and-wait as not supported in Weft yet', () => {
    const messages = (p: Record<string, unknown>) =>
      imported(2.1, p)
        .warnings.map((w) => w.message)
        .join('\n');
    expect(messages({ options: { attachments: 'data' } })).toMatch(/attachments .* not supported in Weft yet/);
    expect(messages({ operation: 'sendAndWait' })).toMatch(/sendAndWait.* not supported in Weft yet/);
  });
});
