import { z } from 'zod';

/** Building blocks of the REST schemas that several modules use. */

export const roleSchema = z.enum(['owner', 'editor', 'commenter', 'viewer']);
export type WorkflowRole = z.infer<typeof roleSchema>;

/** A moment, in Unix milliseconds. */
export const timeSchema = z.number().int();
