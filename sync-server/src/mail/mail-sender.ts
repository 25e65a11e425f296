import type { Logger } from '#shared/log.ts';
import type { Mail, Mailer } from './mailer.ts';

const RETRY_DELAYS_MS = [1000, 5000];

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

  sendLater(mail: Mail): void {
    const job = this.sendWithRetries(mail).finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when every mail handed over so far was sent or given up on (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async sendWithRetries(mail: Mail): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.mailer.send(mail);
        return;
      } catch (error) {
        const delay = this.delays[attempt];
        if (delay === undefined) {
          this.logger.error({ err: error, to: mail.to }, 'sending an email failed; giving up');
          return;
        }
        this.logger.warn({ err: error, to: mail.to }, 'sending an email failed; trying again');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
