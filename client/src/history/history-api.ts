import type { z } from 'zod';
import {
  namedVersionSchema,
  restoreResultSchema,
  undoRestoreResultSchema,
  versionDetailSchema,
  versionListSchema,
  versionSchema,
  type VersionDetailDto,
  type VersionDto,
} from '#shared/api/versions.ts';
import { api, ApiError } from '../api/client.ts';

/** The version history routes (shared/src/api/routes/versions.ts), their answers checked at the boundary. */

const call = async <S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  body?: unknown,
): Promise<z.infer<S>> => schema.parse(await api<unknown>(method, path, body));

const base = (workflowId: string) => `/api/workflows/${encodeURIComponent(workflowId)}/versions`;

export const listVersions = (
  workflowId: string,
  cursor?: string,
): Promise<{ versions: VersionDto[]; nextCursor: string | null }> =>
  call(
    versionListSchema,
    'GET',
    `${base(workflowId)}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );

export const nameVersion = (workflowId: string, name: string) =>
  call(namedVersionSchema, 'POST', base(workflowId), { name });

export const renameVersion = (workflowId: string, versionId: string, name: string): Promise<VersionDto> =>
  call(versionSchema, 'PATCH', `${base(workflowId)}/${encodeURIComponent(versionId)}`, { name });

export const getVersion = (workflowId: string, ref: string): Promise<VersionDetailDto> =>
  call(versionDetailSchema, 'GET', `${base(workflowId)}/${encodeURIComponent(ref)}`);

export const restoreVersion = (workflowId: string, versionId: string) =>
  call(restoreResultSchema, 'POST', `${base(workflowId)}/${encodeURIComponent(versionId)}/restore`);

export const undoRestore = (workflowId: string, restoreEntryId: string) =>
  call(undoRestoreResultSchema, 'POST', `${base(workflowId)}/${encodeURIComponent(restoreEntryId)}/undo`);

/** What went wrong, in words a person can act on. */
export const historyErrorText = (e: unknown, doing: string): string => {
  if (!(e instanceof ApiError)) return `Could not ${doing}: the server did not answer.`;
  if (e.status === 403) return `Only the workflow's editors and owners can ${doing}.`;
  if (e.status === 423) return `Could not ${doing}: ${e.message} (the workflow is locked).`;
  if (e.status === 404) return `Could not ${doing}: that version is gone.`;
  return `Could not ${doing}: ${e.message}`;
};
