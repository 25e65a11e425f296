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

/** SMTP as the instance settings hold it (settings/instance-settings.ts). */
export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
}

/** A mailer for settings given field by field (the Settings page), or none. */
export const createSmtpMailer = (smtp: SmtpConfig | null): Mailer => {
  if (smtp === null) return noMailer;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === null ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
  });
  return {
    enabled: true,
    send: async (mail) => {
      await transport.sendMail({ from: smtp.from, ...mail });
    },
    close: () => transport.close(),
  };
};

/**
 * The mailer in force, swapped when an admin changes SMTP: a mail already
 * handed to the old one finishes there, the next one takes the new.
 */
export class SwitchingMailer implements Mailer {
  constructor(private current: Mailer) {}

  get enabled(): boolean {
    return this.current.enabled;
  }

  send(mail: Mail): Promise<void> {
    return this.current.send(mail);
  }

  use(next: Mailer): void {
    const previous = this.current;
    this.current = next;
    previous.close();
  }

  close(): void {
    this.current.close();
  }
}

/** The fields of a `WEFT_SMTP_URL` (smtp:// or smtps://, credentials in the URL): the settings' first value. */
export const smtpConfigOfUrl = (url: string | undefined, from: string): SmtpConfig | null => {
  if (url === undefined) return null;
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    user: parsed.username === '' ? null : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? null : decodeURIComponent(parsed.password),
    from,
  };
};
