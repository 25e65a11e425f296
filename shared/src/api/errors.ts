import { z } from 'zod';
import { ErrorCodes } from '../errors.ts';

/** One problem found in the input; `path` points into it. */
export const issueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

const errorCodes = Object.values(ErrorCodes) as [
  (typeof ErrorCodes)[keyof typeof ErrorCodes],
  ...(typeof ErrorCodes)[keyof typeof ErrorCodes][],
];

/** Every REST error: a stable `code` to switch on, a `message` for people, and `issues` when input was invalid. */
export const apiErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    issues: z.array(issueSchema).optional(),
  }),
});
export type ApiErrorResponse = z.infer<typeof apiErrorBodySchema>;
