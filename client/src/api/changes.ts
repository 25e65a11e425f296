import { changeListSchema, type ChangeDto } from '#shared/api/changes.ts';
import { paramTarget, nodeTarget } from '#shared/schema/changes.ts';
import { api } from './client.ts';

/** "Who changed this" (GET /api/workflows/:id/changes), the answer checked at the boundary. */
export const listChanges = async (workflowId: string, nodeId: string, param?: string): Promise<ChangeDto[]> => {
  const target = param === undefined ? nodeTarget(nodeId) : paramTarget(nodeId, param);
  const path = `/api/workflows/${encodeURIComponent(workflowId)}/changes?target=${encodeURIComponent(target)}`;
  return changeListSchema.parse(await api<unknown>('GET', path)).changes;
};
