import { z } from 'zod';
import { timeSchema } from './common.ts';

/** Credentials over REST: secrets go in, never out. */

export const credentialTypes = ['apiKeyHeader', 'bearer', 'basic'] as const;
export type CredentialType = (typeof credentialTypes)[number];

const secret = z.string().min(1, 'must not be empty').max(10_000);

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
