import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail, or says it cannot: the server works without SMTP, and offers links to copy instead. */
export interface Mailer {
  readonly enabled: boolean;
  send(mail: Mail): Promise<void>;
  close(): void;
}

const noMailer: Mailer = {
  enabled: false,
  send: () => Promise.reject(new Error('Email is not set up on this server')),
  close: () => undefined,
};

/**
 * nodemailer over `WEFT_SMTP_URL` (smtp:// or smtps://, credentials in the
 * URL), from `WEFT_SMTP_FROM`. A connection per message: invitations are few,
 * and a pooled connection would go stale between them.
 */
export const createMailer = (options: { smtpUrl?: string | undefined; from: string }): Mailer => {
  if (options.smtpUrl === undefined) return noMailer;
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    enabled: true,
    send: async (mail) => {
      await transport.sendMail({ from: options.from, ...mail });
    },
    close: () => transport.close(),
  };
};
