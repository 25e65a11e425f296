import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Invitations by email against a real SMTP server (smtp-server on
 * 127.0.0.1): the mail that arrives, what it may and may not carry, and the
 * invitation it leads to. Without SMTP the route says so.
 */

let smtp: SMTPServer;
let smtpPort: number;
const received: ParsedMail[] = [];
let t: TestServer;
let plain: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: Person;
let workflowId: string;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // An address the receiving server refuses, every time: the invitation's mail fails after its tries.
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('refused')) callback(new Error(`550 5.1.1 <${address.address}>: no such mailbox`));
      else callback();
    },
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
  smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await startTestServer({
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    smtpFrom: 'Weft <weft@example.com>',
    invitationsPerHour: 5,
  });
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  owner = await rest.signup('ann@example.com', 'Ann <b>');
  workflowId = await rest.createWorkflow(owner.as, 'Orders <script>alert(1)</script>');
  plain = await startTestServer();
  await plain.listen();
});

afterAll(async () => {
  await t.close();
  await plain.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe('invitations by email', () => {
  it('mails each address a link to its invitation, with the message as text only; the address accepts it', async () => {
    const res = await rest.call<{ invitations: { email: string; role: string }[]; members: string[] }>(
      'POST',
      `/api/workflows/${workflowId}/invitations`,
      {
        as: owner.as,
        body: {
          emails: ['Ben@Example.com', 'ann@example.com'],
          role: 'commenter',
          message: 'Please review the <a href="https://evil.example">CRM</a> step.\nThanks!',
        },
      },
    );
    expect(res.status).toBe(202);
    expect(res.body.invitations).toEqual([expect.objectContaining({ email: 'ben@example.com', role: 'commenter' })]);
    expect(res.body.members).toEqual(['ann@example.com']);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    const mail = received[0];
    expect(mail?.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ben@example.com');
    expect(mail?.from?.value).toEqual([{ name: 'Weft', address: 'weft@example.com' }]);
    expect(mail?.subject).toBe('Ann <b> invited you to “Orders <script>alert(1)</script>” on Weft');
    expect(mail?.text).toContain('Please review the <a href="https://evil.example">CRM</a> step.\nThanks!');
    expect(mail?.text).toContain(`${t.baseUrl}/`);
    // In the HTML part, what people typed is escaped: the only link is the server's.
    const html = typeof mail?.html === 'string' ? mail.html : '';
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href="https://evil.example"');
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain(`href="${t.baseUrl}/"`);

    const ben = await rest.signup('ben@example.com', 'Ben');
    const mine = await rest.call<{ invitations: { id: string; workflowId: string }[] }>('GET', '/api/me/invitations', {
      as: ben.as,
    });
    const invitation = mine.body.invitations.find((i) => i.workflowId === workflowId);
    expect(invitation).toBeDefined();
    const accepted = await rest.call<{ role: string }>('POST', `/api/me/invitations/${invitation?.id ?? ''}/accept`, {
      as: ben.as,
    });
    expect(accepted.body.role).toBe('commenter');
    // The audit trail has the invitation by email (with the address, for owners) and its acceptance.
    const trail = await rest.call<{ events: { action: string; data: Record<string, unknown> }[] }>(
      'GET',
      `/api/workflows/${workflowId}/audit?action=member.invited,invitation.accepted`,
      { as: owner.as },
    );
    expect(trail.body.events.map((e) => [e.action, e.data.email])).toEqual([
      ['invitation.accepted', 'ben@example.com'],
      ['member.invited', 'ben@example.com'],
    ]);
  });

  it('records per address whether its mail went or failed after its tries, by the inviter, without the message', async () => {
    const eve = await rest.signup('eve@example.com', 'Eve');
    const id = await rest.createWorkflow(eve.as, 'Mailing');
    const res = await rest.call<{ invitations: { id: string; email: string }[] }>(
      'POST',
      `/api/workflows/${id}/invitations`,
      {
        as: eve.as,
        body: { emails: ['cy@example.com', 'refused@example.com'], role: 'viewer', message: 'Secret plan' },
      },
    );
    expect(res.status).toBe(202);
    const invitationOf = (email: string) => res.body.invitations.find((i) => i.email === email)?.id;
    type Trail = {
      events: { action: string; actor: { id: string } | null; target: unknown; data: Record<string, unknown> }[];
    };
    const read = async (as = eve.as) =>
      (
        await rest.call<Trail>('GET', `/api/workflows/${id}/audit?action=invitation.email`, { as })
      ).body.events.reverse();
    // Three tries with backoff (1 s, then 5 s) before the refused address is given up on.
    await expect.poll(async () => (await read()).length, { timeout: 15_000, interval: 200 }).toBe(2);
    const events = await read();
    expect(events).toEqual(
      [
        {
          action: 'invitation.emailed',
          actor: expect.objectContaining({ name: 'Eve' }) as unknown,
          via: 'session',
          target: { type: 'invitation', id: invitationOf('cy@example.com') },
          data: { email: 'cy@example.com', attempts: 1 },
        },
        {
          action: 'invitation.email_failed',
          actor: expect.objectContaining({ name: 'Eve' }) as unknown,
          via: 'session',
          target: { type: 'invitation', id: invitationOf('refused@example.com') },
          data: { email: 'refused@example.com', attempts: 3, error: expect.stringContaining('550') as unknown },
        },
      ].map((e) => expect.objectContaining(e) as unknown),
    );
    expect(JSON.stringify(events)).not.toContain('Secret plan');
    // The SMTP refusal named the address; the recorded reason does not, and an editor sees no address at all.
    expect(events[1]?.data.error).toMatch(/^.*550 5\.1\.1 <<address>>: no such mailbox$/);
    const editor = await rest.signup('ed@example.com', 'Ed');
    await rest.addMember(eve.as, id, editor, 'editor');
    const seenByEditor = JSON.stringify(await read(editor.as));
    expect(seenByEditor).toContain('invitation.email_failed');
    expect(seenByEditor).not.toContain('refused@example.com');
  }, 30_000);

  it('refuses non-owners (403), bad input (400) and more addresses an hour than the limit (429)', async () => {
    const ben = await rest.signup('ben2@example.com', 'Ben2');
    const path = `/api/workflows/${workflowId}/invitations`;
    expect(
      (await rest.call('POST', path, { as: ben.as, body: { emails: ['x@example.com'], role: 'viewer' } })).status,
    ).toBe(403);
    for (const body of [
      { emails: [], role: 'viewer' },
      { emails: ['not an address'], role: 'viewer' },
      { emails: Array.from({ length: 21 }, (_, i) => `p${i}@example.com`), role: 'viewer' },
      { emails: ['x@example.com'], role: 'boss' },
      { emails: ['x@example.com'], role: 'viewer', message: 'x'.repeat(1001) },
      { emails: ['x@example.com'], role: 'viewer', cc: 'y@example.com' },
    ]) {
      expect((await rest.call('POST', path, { as: owner.as, body })).status, JSON.stringify(body).slice(0, 60)).toBe(
        400,
      );
    }
    // 1 address was mailed above; the limit is 5 an hour here.
    const four = ['c1', 'c2', 'c3', 'c4'].map((n) => `${n}@example.com`);
    expect((await rest.call('POST', path, { as: owner.as, body: { emails: four, role: 'viewer' } })).status).toBe(202);
    const over = await rest.call('POST', path, { as: owner.as, body: { emails: ['c5@example.com'], role: 'viewer' } });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).not.toBeNull();
  });

  it('without SMTP: the instance says so and the route answers 409', async () => {
    const r = restClient(plain.baseUrl);
    await r.signup('admin@example.com');
    const ann = await r.signup('ann@example.com');
    const id = await r.createWorkflow(ann.as, 'Plain');
    expect((await r.call('GET', '/api/instance', { as: ann.as })).body).toEqual({
      emailInvitations: false,
      signup: 'open',
    });
    expect((await rest.call('GET', '/api/instance', { as: owner.as })).body).toEqual({
      emailInvitations: true,
      signup: 'open',
    });
    const res = await r.call<{ error: { code: string; message: string } }>('POST', `/api/workflows/${id}/invitations`, {
      as: ann.as,
      body: { emails: ['ben@example.com'], role: 'viewer' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('Email is not set up on this server; share a link instead');
  });
});
