import { z } from 'zod';
import type { Logger } from '#shared/log.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import {
  executionRetentionSchema,
  signupPolicySchema,
  type InstanceSettingsDto,
  type SignupPolicy,
  type UpdateInstanceSettingsRequest,
} from '#shared/api/settings.ts';
import { decryptSecret, encryptSecret } from '../credentials/cipher.ts';
import type { SmtpConfig } from '../mail/mailer.ts';
import type { SettingsStore } from './settings-store.ts';

/** What each setting is while nothing was stored for it: the environment's value (config.ts). */
export interface SettingsDefaults {
  signup: SignupPolicy;
  smtp: SmtpConfig | null;
  outboundAllow: readonly string[];
  executionRetention: { maxAgeDays: number; maxCount: number };
  defaultTimeoutSeconds: number;
}

export interface Settings {
  signup: SignupPolicy;
  smtp: SmtpConfig | null;
  /** Whether `smtp` came from the database (else from WEFT_SMTP_URL, which the mailer keeps using as given). */
  smtpStored: boolean;
  outboundAllow: readonly string[];
  executionRetention: { maxAgeDays: number; maxCount: number };
  defaultTimeoutSeconds: number;
}

/** SMTP as stored: the password encrypted with the credential key. */
const storedSmtp = z
  .object({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    user: z.string().nullable(),
    password: z.string().nullable(),
    from: z.string(),
  })
  .nullable();

const stored = {
  signup: signupPolicySchema,
  smtp: storedSmtp,
  outboundAllow: z.array(z.string()),
  executionRetention: executionRetentionSchema,
  defaultTimeoutSeconds: z.number().int().min(0).max(86_400),
} as const;
type StoredKey = keyof typeof stored;

export interface InstanceSettingsOptions {
  store: SettingsStore;
  defaults: SettingsDefaults;
  /** The credential key: the SMTP password is stored encrypted with it. */
  encryptionKey: Buffer;
  logger: Logger;
  /** Checks an allow-list entry (config.ts isHostEntry), so the page refuses what WEFT_HTTP_ALLOW would. */
  isHostEntry: (entry: string) => boolean;
}

/**
 * The instance settings (docs/plans/home-insights.md §5): one place to read
 * them (an in-memory copy, so a sign-up or a job does not read the database)
 * and one to change them. A change is written, then every listener hears the
 * new settings (the mailer, the engines' network policy at their next job,
 * retention at its next round). Other instances of a cluster hear of it
 * through the store's `watch` (PostgreSQL NOTIFY) and read the table again;
 * `reloadEvery` is the backstop for a notification lost.
 */
export class InstanceSettings {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();
  private storedText: Record<string, string> = {};
  private timer: ReturnType<typeof setInterval> | undefined;
  private unwatch: (() => void) | undefined;

  private constructor(private readonly options: InstanceSettingsOptions) {
    this.current = this.resolve({});
  }

  static async open(options: InstanceSettingsOptions): Promise<InstanceSettings> {
    const settings = new InstanceSettings(options);
    await settings.reload();
    // Another instance's change (PostgreSQL NOTIFY): read the table again.
    settings.unwatch = options.store.watch?.(() => {
      settings.reload().catch((error: unknown) => options.logger.error({ err: error }, 'reading settings failed'));
    });
    return settings;
  }

  get value(): Settings {
    return this.current;
  }

  /** Calls `fn` with the settings after each change (here or, through `reload`, on another instance). */
  onChange(fn: (settings: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** As the admin sees them: the SMTP password never leaves the server. */
  view(): InstanceSettingsDto {
    const { smtp } = this.current;
    return {
      signup: this.current.signup,
      smtp:
        smtp === null
          ? null
          : {
              host: smtp.host,
              port: smtp.port,
              secure: smtp.secure,
              user: smtp.user,
              passwordSet: smtp.password !== null && smtp.password !== '',
              from: smtp.from,
            },
      outboundAllow: [...this.current.outboundAllow],
      executionRetention: { ...this.current.executionRetention },
      defaultTimeoutSeconds: this.current.defaultTimeoutSeconds,
    };
  }

  /**
   * Validates, writes and applies a change; answers which settings it changed,
   * in the words of the audit trail (the SMTP password only as "changed").
   */
  async update(patch: UpdateInstanceSettingsRequest): Promise<Record<string, unknown>> {
    const writes: Record<string, string> = {};
    const audited: Record<string, unknown> = {};
    if (patch.signup !== undefined) {
      writes.signup = JSON.stringify(patch.signup);
      audited.signup = patch.signup;
    }
    if (patch.outboundAllow !== undefined) {
      const entries = patch.outboundAllow.map((e) => e.toLowerCase());
      const bad = entries.findIndex((e) => !this.options.isHostEntry(e));
      if (bad >= 0) {
        const message = `outboundAllow: "${entries[bad] ?? ''}" is not an IP address, CIDR range, host name or *.domain`;
        throw new UserError(ErrorCodes.validationFailed, message, {
          issues: [{ path: ['outboundAllow', bad], message, severity: 'error' }],
        });
      }
      writes.outboundAllow = JSON.stringify(entries);
      audited.outboundAllow = entries;
    }
    if (patch.executionRetention !== undefined) {
      writes.executionRetention = JSON.stringify(patch.executionRetention);
      audited.executionRetention = patch.executionRetention;
    }
    if (patch.defaultTimeoutSeconds !== undefined) {
      writes.defaultTimeoutSeconds = JSON.stringify(patch.defaultTimeoutSeconds);
      audited.defaultTimeoutSeconds = patch.defaultTimeoutSeconds;
    }
    if (patch.smtp !== undefined) {
      if (patch.smtp === null) {
        writes.smtp = 'null';
        audited.smtp = null;
      } else {
        const before = this.current.smtp;
        const kept = before?.password ?? null;
        const user = patch.smtp.user ?? null;
        // The stored password goes only to the server it was given for: pointing the mail at another host,
        // port or user (any admin may) needs the password again, or it would be sent to whoever runs that server.
        const sameServer =
          before !== null &&
          before.host === patch.smtp.host &&
          before.port === patch.smtp.port &&
          (before.user ?? null) === (user === '' ? null : user);
        if (patch.smtp.password === undefined && kept !== null && !sameServer) {
          const message = 'smtp.password: give the password again when the host, port or user changes';
          throw new UserError(ErrorCodes.validationFailed, message, {
            issues: [{ path: ['smtp', 'password'], message, severity: 'error' }],
          });
        }
        const password = patch.smtp.password === undefined ? kept : patch.smtp.password;
        writes.smtp = JSON.stringify({
          host: patch.smtp.host,
          port: patch.smtp.port,
          secure: patch.smtp.secure,
          user: user === '' ? null : user,
          password:
            password === null || password === ''
              ? null
              : encryptSecret(this.options.encryptionKey, { password }).toString('base64'),
          from: patch.smtp.from,
        });
        audited.smtp = {
          host: patch.smtp.host,
          port: patch.smtp.port,
          secure: patch.smtp.secure,
          user: user === '' ? null : user,
          from: patch.smtp.from,
          ...(patch.smtp.password === undefined ? {} : { passwordChanged: true }),
        };
      }
    }
    await this.options.store.write(writes);
    await this.reload();
    return audited;
  }

  /** Reads the table again; listeners hear of it only when something changed. */
  async reload(): Promise<void> {
    const text = await this.options.store.readAll();
    if (sameRecord(text, this.storedText)) return;
    this.storedText = text;
    this.current = this.resolve(text);
    for (const fn of this.listeners) {
      try {
        fn(this.current);
      } catch (error) {
        this.options.logger.error({ err: error }, 'applying changed settings failed');
      }
    }
  }

  /** Reads the table every `ms` (instances of a cluster see each other's changes); failures are logged. */
  reloadEvery(ms: number): void {
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.options.logger.error({ err: error }, 'reading settings failed'));
    }, ms);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.unwatch?.();
  }

  private parse<K extends StoredKey>(text: Record<string, string>, key: K): z.infer<(typeof stored)[K]> | undefined {
    const raw = text[key];
    if (raw === undefined) return undefined;
    try {
      const parsed = stored[key].safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data as z.infer<(typeof stored)[K]>;
    } catch {
      // Unparsable: logged below, the default stands.
    }
    this.options.logger.error({ key }, 'a stored setting is not valid; using its default');
    return undefined;
  }

  private resolve(text: Record<string, string>): Settings {
    const { defaults } = this.options;
    const smtpRow = this.parse(text, 'smtp');
    let smtp = defaults.smtp;
    if (smtpRow !== undefined) {
      smtp = smtpRow === null ? null : { ...smtpRow, password: this.decryptPassword(smtpRow.password) };
    }
    return {
      signup: this.parse(text, 'signup') ?? defaults.signup,
      smtp,
      smtpStored: smtpRow !== undefined,
      outboundAllow: this.parse(text, 'outboundAllow') ?? defaults.outboundAllow,
      executionRetention: this.parse(text, 'executionRetention') ?? defaults.executionRetention,
      defaultTimeoutSeconds: this.parse(text, 'defaultTimeoutSeconds') ?? defaults.defaultTimeoutSeconds,
    };
  }

  private decryptPassword(sealed: string | null): string | null {
    if (sealed === null) return null;
    try {
      return decryptSecret(this.options.encryptionKey, Buffer.from(sealed, 'base64')).password ?? null;
    } catch (error) {
      this.options.logger.error({ err: error }, 'the stored SMTP password cannot be decrypted with this key');
      return null;
    }
  }
}

const sameRecord = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};
