import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { EMAIL_ATTRIBUTION } from '#shared/nodes/email-send.ts';
import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { OutboundRefused } from '../net/address-policy.ts';
import { resolveAllowed, type AllowedTarget } from '../net/connect-policy.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';

/**
 * Send Email as n8n's (EmailSend v2 and 2.1, send.operation.ts, with
 * nodemailer as n8n configures it from its "SMTP" credential): one message
 * per item; each address field and the body go through n8n's toMailString
 * (numbers as text, objects as JSON); the item's output is what nodemailer
 * reports (accepted, rejected, response, envelope, messageId, …).
 *
 * The connection goes through the network policy (connect-policy.ts): the
 * SMTP host is resolved once and checked, nodemailer connects to that
 * address, and TLS keeps the host name for SNI and the certificate check.
 * Files are never read and URLs never fetched for a message (n8n's
 * disableFileAccess / disableUrlAccess).
 */

type Smtp = Extract<Credential, { type: 'smtp' }>;

const CONNECTION_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 120_000;

/** n8n's toMailString: undefined stays undefined (nodemailer leaves the header out). */
const mailString = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

const smtpOf = async (ctx: NodeContext): Promise<Smtp> => {
  const id = ctx.node.credentials?.smtp ?? Object.values(ctx.node.credentials ?? {})[0];
  if (!id) throw new NodeError('Choose an SMTP credential for this node');
  const credential = await ctx.credential(id);
  if (credential.type !== 'smtp')
    throw new NodeError(`The credential is not an SMTP server (it is ${credential.type})`);
  return credential;
};

const transportFor = (smtp: Smtp, target: AllowedTarget, p: JsonObject) => {
  const options: SMTPTransport.Options = {
    host: target.address,
    port: target.port,
    secure: smtp.secure,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    tls: {
      // A name checks the certificate and goes in SNI; an address given as the host has no name to send.
      ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      ...(p.allowUnauthorizedCerts === true ? { rejectUnauthorized: false } : {}),
    },
  };
  if (!smtp.secure) options.ignoreTLS = smtp.disableStartTls;
  if (smtp.hostName) options.name = smtp.hostName;
  if (smtp.user || smtp.password) options.auth = { user: smtp.user, pass: smtp.password };
  return nodemailer.createTransport({ ...options, disableFileAccess: true, disableUrlAccess: true });
};

/** The message of one item, as n8n builds it. */
const messageOf = (p: JsonObject): SMTPTransport.MailOptions => {
  const format = mailString(p.emailFormat) ?? 'html';
  // As n8n's: an expression that gives nothing leaves the part out (and the attribution then reads "undefined").
  let text = format === 'text' || format === 'both' ? mailString(p.text) : undefined;
  let html = format === 'html' || format === 'both' ? mailString(p.html) : undefined;
  // n8n's truthiness: an expression's "false" text still appends.
  if (p.appendAttribution === undefined || Boolean(p.appendAttribution)) {
    // n8n's rule: into the HTML unless "both" came with an empty HTML body, else into the text.
    if (format === 'html' || (format === 'both' && html)) {
      html = `${String(html)}\n<br>\n<br>\n---\n<br>\n<em>${EMAIL_ATTRIBUTION}</em>\n`;
    } else {
      text = `${String(text)}\n\n---\n${EMAIL_ATTRIBUTION}`;
    }
  }
  return {
    from: mailString(p.fromEmail),
    to: mailString(p.toEmail),
    cc: mailString(p.ccEmail),
    bcc: mailString(p.bccEmail),
    subject: mailString(p.subject),
    replyTo: mailString(p.replyTo),
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
  };
};

/** nodemailer's failures in words a person can act on. */
const failureOf = (e: unknown, smtp: Smtp): NodeError => {
  if (e instanceof NodeError) return e;
  if (e instanceof OutboundRefused) return new NodeError(`The SMTP server may not be reached: ${e.message}`);
  const err = e as { code?: unknown; message?: unknown; responseCode?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  const where = `${smtp.host}:${smtp.port}`;
  switch (err.code) {
    case 'EAUTH':
      return new NodeError(`The SMTP server ${where} refused the login: ${message}`);
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'ETIMEDOUT':
    case 'EDNS':
      return new NodeError(`Could not connect to the SMTP server ${where}: ${message}`);
    case 'ETLS':
      return new NodeError(`TLS with the SMTP server ${where} failed: ${message}`);
    case 'EENVELOPE':
      return new NodeError(`The SMTP server ${where} refused the message's addresses: ${message}`);
    case 'EMESSAGE':
      return new NodeError(`The SMTP server ${where} refused the message: ${message}`);
    default:
      return new NodeError(message);
  }
};

const sendOne = async (ctx: NodeContext, smtp: Smtp, target: AllowedTarget, p: JsonObject) => {
  const transport = transportFor(smtp, target, p);
  const stop = () => transport.close();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const info = await transport.sendMail(messageOf(p));
    // What nodemailer reports, as JSON (n8n hands the object on as the item).
    return JSON.parse(JSON.stringify(info)) as JsonObject;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    transport.close();
  }
};

export const emailSend: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const smtp = await smtpOf(ctx);
  let target: AllowedTarget;
  try {
    target = await resolveAllowed(smtp.host, smtp.port, ctx.outbound.policy);
  } catch (e) {
    throw failureOf(e, smtp);
  }
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const index of ctx.items.keys()) {
    if (ctx.signal.aborted) throw new NodeError('The run was canceled');
    try {
      out.push(pairedWith({ json: await sendOne(ctx, smtp, target, params[index] ?? {}) }, { item: index }));
    } catch (e) {
      const failure = failureOf(e, smtp);
      if (!goOn) throw failure;
      failed.push({ index, message: failure.message });
    }
  }
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
