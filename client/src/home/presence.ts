import type { PresentUser } from '#shared/protocol/live-feed.ts';
import { useLivePresence } from '../live/live-feed.ts';

/**
 * Who has a workflow open now, for its row. The live feed (one stream per tab, docs/plans/home-insights.md §1)
 * keeps it current: no request per row.
 */
export const useWorkflowPresence = (workflowId: string): readonly PresentUser[] => useLivePresence(workflowId);
