import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grantCredential, importWorkflow, node, runToEnd, serverWithEngine } from '../helpers/workflow-runs.ts';

/**
 * Send Email end to end: an SMTP credential made over REST, stored encrypted,
 * carried in the job to a real engine process, which logs in to a real SMTP
 * server on 127.0.0.1 (allowed by the server's WEFT_HTTP_ALLOW) and sends.
 */

const PASSWORD = 'smtp-pass-7c21';

const env = serverWithEngine({ httpAllow: ['127.0.0.1'] });
let smtp: SMTPServer;
let smtpPort: number;
let received: { mail: ParsedMail; user: unknown }[];

beforeEach(async () => {
  received = [];
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    // No TLS on this test server, so the login goes in the clear: allowed here only.
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, user: session.user });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe('Send Email with an SMTP credential', () => {
  it('the run logs in with the stored secret and the mail arrives; a wrong password fails the run clearly', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com', 'Ann');
    const credential = (password: string) =>
      rest.call<{ id: string }>('POST', '/api/credentials', {
        body: {
          name: 'Mail',
          type: 'smtp',
          data: { host: '127.0.0.1', port: smtpPort, secure: false, user: 'mailer', password },
        },
        as: ann.as,
      });
    const good = await credential(PASSWORD);
    const bad = await credential('wrong');
    const flow = (credentialId: string) => ({
      name: 'Report',
      nodes: [
        node('start', 'Start', 'manualTrigger'),
        {
          ...node(
            'mail',
            'Mail',
            'emailSend',
            {
              fromEmail: 'Weft <robot@example.com>',
              toEmail: 'team@example.com',
              subject: '={{ "Report for " + $workflow.name }}',
              emailFormat: 'text',
              text: 'All good',
              appendAttribution: false,
            },
            200,
          ),
          credentials: { smtp: credentialId },
        },
      ],
      edges: [{ source: 'start', target: 'mail' }],
    });
    const run = async (credentialId: string) => {
      const workflowId = await importWorkflow(rest, ann.as, flow(credentialId));
      await grantCredential(rest, ann.as, credentialId, workflowId);
      return runToEnd(rest, ann.as, workflowId);
    };

    expect(await run(good.body.id)).toMatchObject({ status: 'succeeded', error: null });
    expect(received.map((r) => [r.user, r.mail.subject, r.mail.text?.trim()])).toEqual([
      ['mailer', 'Report for Report', 'All good'],
    ]);

    const failed = await run(bad.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/The SMTP server 127\.0\.0\.1:\d+ refused the login/);
    expect(received).toHaveLength(1);
  });
});
