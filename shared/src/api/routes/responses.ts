import type { z } from 'zod';
import { errorResponse, type ResponseSpec } from '../contract.ts';

/** Wording shared by the route contracts' answers. */

export const ok = <Z extends z.ZodType>(schema: Z, description: string): { description: string; schema: Z } => ({
  description,
  schema,
});
export const noContent = (description: string): { description: string } => ({ description });

export const notFound = (what: string): ResponseSpec => errorResponse(`\`not_found\`: ${what}`);
export const forbidden = (why: string): ResponseSpec => errorResponse(`\`forbidden\`: ${why}`);
export const conflict = (why: string): ResponseSpec => errorResponse(`\`conflict\`: ${why}`);
export const locked = (what: string): ResponseSpec =>
  errorResponse(`\`locked\`: the workflow is locked, or someone else holds the pen, so the caller cannot ${what} now`);
export const gone = (why: string): ResponseSpec => errorResponse(`\`gone\`: ${why}`);
export const invalid = (why: string): ResponseSpec => errorResponse(`\`validation_failed\` (with \`issues\`): ${why}`);
export const tooMany = (why: string): ResponseSpec =>
  errorResponse(`\`too_many_requests\`: ${why}; the Retry-After header says when to try again`);

export const workflowNotFound = notFound('no workflow with this id');
export const notAMember = (what: string): ResponseSpec =>
  forbidden(`the caller is not a member of the workflow, or their role cannot ${what}`);
