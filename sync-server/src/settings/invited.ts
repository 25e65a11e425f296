import { hashLinkToken, LINK_TOKEN_PATTERN } from '../links/link-token.ts';
import type { LinkStore } from '../links/link-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';

/**
 * Who may sign up while sign-up is `invite`: an address some workflow's
 * owner invited (a pending invitation), or whoever holds a join link that
 * still works (not expired, revoked or used up). A link names no address, so
 * it is the link itself that lets its holder in, as it lets them join.
 */
export const invitedCheck =
  (workflows: WorkflowStore, links: LinkStore, now: () => number = Date.now) =>
  async (email: string, link: string | undefined): Promise<boolean> => {
    if ((await workflows.invitationsFor(email)).length > 0) return true;
    if (link === undefined || !LINK_TOKEN_PATTERN.test(link)) return false;
    const peeked = await links.peek(hashLinkToken(link), now());
    return peeked !== undefined && !('gone' in peeked);
  };
