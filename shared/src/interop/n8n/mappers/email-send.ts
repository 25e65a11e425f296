import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Send Email 2 and 2.1 (operation "send"): the options come over flat. What
 * changed between the versions is in the defaults: the email format was
 * text in 2 and is HTML in 2.1, and 2.1 appends the attribution unless it
 * is turned off. Attachments need binary data, which Weft's items do not
 * hold yet (n8n itself sends none for items without it). The SMTP
 * credential is chosen in Weft (the import says so for every credential).
 */
const emailSend: Mapper = (r) => {
  const out: Params = {};
  if (r.version < 2) r.problem('Send Email 1 is not supported in Weft yet; its parameters were left as they are');
  const operation = r.get('operation');
  if (operation !== undefined && operation !== 'send')
    r.problem(`the operation ${JSON.stringify(operation)} (send and wait for a reply) is not supported in Weft yet`);
  same(r, out, ['fromEmail', 'toEmail', 'subject', 'text', 'html']);
  out.emailFormat = r.get('emailFormat') ?? (r.version < 2.1 ? 'text' : 'html');
  for (const name of ['ccEmail', 'bccEmail', 'replyTo', 'allowUnauthorizedCerts']) {
    const value = r.get(`options.${name}`);
    if (value !== undefined) out[name] = value;
  }
  out.appendAttribution = r.get('options.appendAttribution') ?? r.version >= 2.1;
  for (const name of ['attachments', 'fileAttachments']) {
    const value = r.get(`options.${name}`);
    if (typeof value === 'string' && value.trim() !== '')
      r.problem(
        `attachments ("${name}") are not supported in Weft yet: Weft's items hold no files; the mail goes without them`,
      );
  }
  return out;
};

export const emailSendMappers: Record<string, Mapper> = { emailSend };
