import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { isDeepStrictEqual } from 'node:util';
import type { CaseDiff, Family } from './differ.ts';
import { unexcused } from './exceptions.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import { caseWorkflow, type NodeCase, type Params } from './node-case.ts';
import { compareResults, type Divergence } from './outcome.ts';
import type { N8nReference } from './reference.ts';
import { Rng } from './rng.ts';
import { runInWeft } from './weft.ts';

/**
 * Send Email 2 and 2.1, for its parameters: both engines send to one SMTP
 * server (smtp-server on 127.0.0.1, no TLS, no login) and the mails that
 * arrive are compared — From, To, Cc, Reply-To, Subject, the text and HTML
 * bodies and the envelope's recipients (Bcc included) — besides each node's
 * output, nodemailer's report. Addresses with names, lists, numbers and
 * objects from expressions; each format; the attribution on, off and by
 * the version's default.
 */

interface Arrived {
  from: string;
  to: string[];
  cc: string[];
  replyTo: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  envelopeTo: string[];
}

let server: SMTPServer | undefined;
let port = 0;
const arrived: Arrived[] = [];

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => `${v.name} <${v.address ?? ''}>`));

const ADDRESSES = [
  'ann@example.com',
  'Ann Example <ann@example.com>',
  'ann@example.com, bob@example.com',
  '"Doe, Jane" <jane@example.com>',
  '={{ $json.name + "@example.com" }}',
  '={{ ["x@example.com", "y@example.com"] }}',
];
const OPTIONAL = ['', 'carol@example.com', 'Carol <carol@example.com>, dave@example.com', '={{ $json.a }}'];
const SUBJECTS = ['', 'Report', 'Grüße ✓', '={{ "Hi " + $json.name }}', '={{ $json.a }}', '={{ $json.meta }}'];
const BODIES = ['', 'Hello', 'Line one\nLine two', '={{ JSON.stringify($json) }}', '={{ $json.a }}'];
const HTMLS = ['', '<p>Hello <b>there</b></p>', '<h1>={{ $json.name }}</h1>', '={{ "<i>" + $json.name + "</i>" }}'];

export const emailSendCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([2, 2.1]);
  const parameters: Params = {
    fromEmail: rng.pick(['robot@example.com', 'Weft Robot <robot@example.com>']),
    toEmail: rng.pick(ADDRESSES),
  };
  if (rng.chance(0.8)) parameters.subject = rng.pick(SUBJECTS);
  if (rng.chance(0.8)) parameters.emailFormat = rng.pick(['text', 'html', 'both']);
  if (rng.chance(0.8)) parameters.text = rng.pick(BODIES);
  if (rng.chance(0.8)) parameters.html = rng.pick(HTMLS);
  const options: Params = {};
  if (rng.chance(0.3)) options.ccEmail = rng.pick(OPTIONAL);
  if (rng.chance(0.3)) options.bccEmail = rng.pick(OPTIONAL);
  if (rng.chance(0.3)) options.replyTo = rng.pick(OPTIONAL);
  if (rng.chance(0.4)) options.appendAttribution = rng.chance(0.5);
  if (rng.chance(0.1)) options.allowUnauthorizedCerts = rng.chance(0.5);
  parameters.options = options;
  const items = listItems(rng).slice(0, 2);
  return {
    family: 'emailSend',
    seed,
    type: 'emailSend',
    typeVersion,
    parameters,
    items: items.length > 0 ? items : [{}],
    credentials: {
      smtp: {
        host: '127.0.0.1',
        port,
        secure: false,
        user: '',
        password: '',
        disableStartTls: true,
        hostName: '',
      },
    },
  };
};

const take = (): Arrived[] => arrived.splice(0, arrived.length);

/** Both engines send; their outputs and the mails that arrived must be the same. */
const diffEmailCase = async (reference: N8nReference, c: NodeCase): Promise<CaseDiff> => {
  const workflow = caseWorkflow(c);
  take();
  const n8n = await reference.run(workflow, c.now);
  const n8nMails = take();
  const weft = await runInWeft(workflow, c.now);
  const weftMails = take();
  const divergences = compareResults(n8n, weft.result, workflow);
  const mails: Divergence[] = [];
  // A run that stopped on one side only (compared above, as the run's end) sent fewer mails there: the
  // mails are compared when both runs ended alike.
  const ended = (r: typeof n8n) => (r.ok ? r.error !== null : 'not run');
  const count = ended(n8n) === ended(weft.result) ? Math.max(n8nMails.length, weftMails.length) : 0;
  for (let i = 0; i < count; i++) {
    if (!isDeepStrictEqual(n8nMails[i], weftMails[i]))
      mails.push({ node: 'Under test', what: `mail ${i + 1}`, n8n: n8nMails[i] ?? null, weft: weftMails[i] ?? null });
  }
  return { divergences: [...divergences, ...unexcused(mails, workflow)], warnings: weft.warnings };
};

export const emailSendFamily: Family = {
  name: 'emailSend',
  generate: emailSendCase,
  shrink: shrinkParams,
  key: (c) => {
    const options = (c.parameters.options ?? {}) as Params;
    return [
      'emailSend',
      String(c.typeVersion),
      typeof c.parameters.emailFormat === 'string' ? c.parameters.emailFormat : 'default',
      ...Object.keys(options).sort(),
    ].join(' ');
  },
  diff: diffEmailCase,
  setup: async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            arrived.push({
              from: addresses(mail.from).join(', '),
              to: addresses(mail.to),
              cc: addresses(mail.cc),
              replyTo: addresses(mail.replyTo),
              subject: mail.subject ?? null,
              text: mail.text ?? null,
              html: typeof mail.html === 'string' ? mail.html : null,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address).sort(),
            });
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    return async () => {
      await new Promise<void>((resolve) => (server ? server.close(resolve) : resolve()));
      server = undefined;
    };
  },
};
