import { z } from 'zod';
import { timeSchema } from './common.ts';

/** Credentials over REST: secrets go in, never out. */

export const credentialTypes = ['apiKeyHeader', 'bearer', 'basic', 'smtp', 'crypto', 'postgres', 'mysql'] as const;
export type CredentialType = (typeof credentialTypes)[number];

const secret = z.string().min(1, 'must not be empty').max(10_000);

/** A host name or IP address as a connection takes it (no scheme, port or path). */
const hostName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.:-]+)$/, 'must be a host name or IP address');

/**
 * An SMTP server, as n8n's "SMTP" credential holds it (the same fields and
 * defaults): `secure` is TLS from the start (port 465); otherwise STARTTLS
 * when the server offers it, unless `disableStartTls`. `hostName` is the name
 * this side gives in EHLO. No user and no password: no login.
 */
export const smtpCredentialData = z.strictObject({
  host: hostName,
  port: z.number().int().min(1).max(65_535).default(465),
  secure: z.boolean().default(true),
  user: z.string().max(1_000).default(''),
  password: z.string().max(10_000).default(''),
  disableStartTls: z.boolean().default(false),
  hostName: z.union([hostName, z.literal('')]).default(''),
});
export type SmtpCredentialData = z.infer<typeof smtpCredentialData>;

/**
 * The keys of the Crypto node, as n8n's "Crypto" credential holds them (the
 * ones Weft's node uses): the HMAC secret and the signing key (PEM; one
 * typed on a single line is put back into lines when it is used).
 */
export const cryptoCredentialData = z
  .strictObject({
    hmacSecret: z.string().max(10_000).default(''),
    signPrivateKey: z.string().max(20_000).default(''),
  })
  .refine((d) => d.hmacSecret !== '' || d.signPrivateKey !== '', 'needs an HMAC secret or a private key');

/**
 * A PostgreSQL server, as n8n's "Postgres" credential holds it (the same
 * fields and defaults): `ssl` disable (plain), allow or require (TLS; a
 * certificate that does not check out fails unless allowUnauthorizedCerts).
 * n8n's SSH tunnel and maxConnections are not carried (Weft pools 4 per
 * credential).
 */
export const postgresSslModes = ['disable', 'allow', 'require'] as const;
export const postgresCredentialData = z.strictObject({
  host: hostName.default('localhost'),
  port: z.number().int().min(1).max(65_535).default(5432),
  database: z.string().trim().min(1, 'must not be empty').max(63).default('postgres'),
  user: z.string().trim().min(1, 'must not be empty').max(63).default('postgres'),
  password: z.string().max(10_000).default(''),
  ssl: z.enum(postgresSslModes).default('disable'),
  allowUnauthorizedCerts: z.boolean().default(false),
});
export type PostgresCredentialData = z.infer<typeof postgresCredentialData>;

/**
 * A MySQL or MariaDB server, as n8n's "MySQL" credential holds it (the same
 * fields and defaults): `ssl` is TLS, the server's certificate checked
 * against the system's CAs unless allowUnauthorizedCerts (Weft's, as the
 * Postgres credential's: n8n's CA and client certificates, connect timeout
 * and SSH tunnel are not carried; Weft pools 4 per credential).
 */
export const mysqlCredentialData = z.strictObject({
  host: hostName.default('localhost'),
  port: z.number().int().min(1).max(65_535).default(3306),
  database: z.string().trim().min(1, 'must not be empty').max(64).default('mysql'),
  user: z.string().trim().min(1, 'must not be empty').max(80).default('mysql'),
  password: z.string().max(10_000).default(''),
  ssl: z.boolean().default(false),
  allowUnauthorizedCerts: z.boolean().default(false),
});
export type MysqlCredentialData = z.infer<typeof mysqlCredentialData>;

export const credentialDataSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('apiKeyHeader'),
    data: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be a header name'),
      value: secret,
    }),
  }),
  z.object({ type: z.literal('bearer'), data: z.strictObject({ token: secret }) }),
  z.object({ type: z.literal('basic'), data: z.strictObject({ user: z.string().max(1_000), password: secret }) }),
  z.object({ type: z.literal('smtp'), data: smtpCredentialData }),
  z.object({ type: z.literal('crypto'), data: cryptoCredentialData }),
  z.object({ type: z.literal('postgres'), data: postgresCredentialData }),
  z.object({ type: z.literal('mysql'), data: mysqlCredentialData }),
]);

export const createCredentialRequest = z.intersection(
  z.object({ name: z.string().trim().min(1).max(200) }),
  credentialDataSchema,
);
export type CreateCredentialRequest = z.infer<typeof createCredentialRequest>;

export const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(credentialTypes),
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type CredentialDto = z.infer<typeof credentialSchema>;
