import type { HistoryStore } from './history-store.ts';

const PAGE = 100;
/** Entries looked through, newest first: a name older than this many versions is not found. */
const MAX_PAGES = 20;

/**
 * The version a name stands for in a workflow's history (Execute Workflow's
 * "a named version"): the newest entry with exactly that name, or undefined.
 * The sub-workflow call and the inputs route resolve names the same way, so the
 * inputs a caller maps are those of the version it will run.
 */
export const namedVersionHash = async (
  history: Pick<HistoryStore, 'list'>,
  workflowId: string,
  name: string,
): Promise<string | undefined> => {
  let cursor: { createdAt: number; id: string } | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const entries = await history.list(workflowId, { limit: PAGE, cursor });
    const found = entries.find((e) => e.name === name);
    if (found) return found.versionHash;
    const last = entries[entries.length - 1];
    if (!last || entries.length < PAGE) return undefined;
    cursor = { createdAt: last.createdAt, id: last.id };
  }
  return undefined;
};
