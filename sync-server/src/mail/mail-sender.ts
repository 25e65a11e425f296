import type { Logger } from '#shared/log.ts';
import type { Mail, Mailer } from './mailer.ts';

const RETRY_DELAYS_MS = [1000, 5000];

/** How a mail went, after its tries: for the audit trail (never the mail itself). */
export type MailOutcome = { sent: true; attempts: number } | { sent: false; attempts: number; error: string };

/** The first line of an SMTP failure, bounded: enough to tell a refused address from a server that is down. */
/**
 * The first line of why a send failed, without addresses: an SMTP refusal
 * usually names the recipient ("550 5.1.1 <bob@x.com>: no such user"), and
 * the reason is shown to people who may not see invitees' addresses.
 */
export const reasonOf = (error: unknown): string =>
  ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '')
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>')
    .slice(0, 200);

/**
 * Sends mail after the request was answered: three tries with backoff, and a
 * failure is logged (the invitation itself is stored either way, and shows
 * in the invitee's list once they sign in). Never rejects.
 */
export class MailSender {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly delays: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  get enabled(): boolean {
    return this.mailer.enabled;
  }

  /** `done` hears the outcome once the tries are over; it is awaited, so `idle` covers it, and it must not reject. */
  sendLater(mail: Mail, done?: (outcome: MailOutcome) => Promise<void>): void {
    const job = this.sendWithRetries(mail)
      .then((outcome) => done?.(outcome))
      .catch((error: unknown) => this.logger.error({ err: error }, 'reporting how an email went failed'))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when every mail handed over so far was sent or given up on (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async sendWithRetries(mail: Mail): Promise<MailOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.mailer.send(mail);
        return { sent: true, attempts: attempt + 1 };
      } catch (error) {
        const delay = this.delays[attempt];
        if (delay === undefined) {
          this.logger.error({ err: error, to: mail.to }, 'sending an email failed; giving up');
          return { sent: false, attempts: attempt + 1, error: reasonOf(error) };
        }
        this.logger.warn({ err: error, to: mail.to }, 'sending an email failed; trying again');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
