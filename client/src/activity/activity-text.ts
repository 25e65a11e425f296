import type { AuditEventDto } from '#shared/api/audit.ts';

/** The Activity panel's chips: each shows the actions starting with its prefixes (the route's `action` filter). */
export const ACTIVITY_FILTERS = [
  { id: 'all', label: 'All', prefixes: [] },
  { id: 'access', label: 'Access', prefixes: ['member.', 'invitation.'] },
  { id: 'links', label: 'Links', prefixes: ['link.'] },
  { id: 'modes', label: 'Modes', prefixes: ['mode.', 'pen.'] },
  {
    id: 'runs',
    label: 'Runs',
    prefixes: ['run.', 'credential.used', 'workflow.published', 'workflow.activated', 'workflow.deactivated'],
  },
  { id: 'versions', label: 'Versions', prefixes: ['version.'] },
  { id: 'comments', label: 'Comments', prefixes: ['comment.'] },
] as const satisfies readonly { id: string; label: string; prefixes: readonly string[] }[];

export type ActivityFilter = (typeof ACTIVITY_FILTERS)[number]['id'];

/** The audit route's query for one page of a chip. */
export const activityQuery = (filter: ActivityFilter, cursor: string | null, limit = 30): string => {
  const params = new URLSearchParams({ limit: String(limit) });
  const prefixes = ACTIVITY_FILTERS.find((f) => f.id === filter)?.prefixes ?? [];
  if (prefixes.length > 0) params.set('action', prefixes.join(','));
  if (cursor !== null) params.set('cursor', cursor);
  return params.toString();
};

/** "3 min ago", "2 h ago", "yesterday", then the date. */
export const relativeTime = (at: number, now: number): string => {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  if (hours < 48) return 'yesterday';
  return new Date(at).toLocaleDateString();
};

/** relativeTime from the clock, for rendering (refreshed whenever the panel renders). */
export const ago = (at: number): string => relativeTime(at, Date.now());

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * One event in words, without its actor ("invited cy@example.com as commenter").
 * `nameOf` turns user ids (a target, a new pen holder) into names where the
 * panel knows them.
 */
export const describeActivity = (e: AuditEventDto, nameOf: (userId: string) => string | undefined): string => {
  const role = str(e.data.role);
  const who = e.target?.type === 'user' ? (nameOf(e.target.id) ?? 'someone') : 'someone';
  switch (e.action) {
    case 'member.invited':
      return `invited ${str(e.data.email) ?? 'someone'}${role ? ` as ${role}` : ''}`;
    case 'member.role_changed':
      return `made ${who} ${str(e.data.to) ?? 'something else'}${str(e.data.from) ? ` (was ${str(e.data.from)})` : ''}`;
    case 'member.removed':
      return `removed ${who}`;
    case 'member.left':
      return 'left the workflow';
    case 'invitation.accepted':
      return `accepted the invitation${role ? ` as ${role}` : ''}`;
    case 'invitation.cancelled':
      return 'cancelled an invitation';
    case 'invitation.emailed':
      return `emailed the invitation${str(e.data.email) ? ` to ${str(e.data.email)}` : ''}`;
    case 'invitation.email_failed':
      return `could not email the invitation${str(e.data.email) ? ` to ${str(e.data.email)}` : ''}`;
    case 'link.created':
      return `made a share link${role ? ` for ${role}s` : ''}`;
    case 'link.used':
      return `joined through a share link${role ? ` as ${role}` : ''}`;
    case 'link.revoked':
      return 'revoked a share link';
    case 'mode.changed': {
      const mode = str(e.data.mode);
      const text =
        mode === 'locked' ? 'locked the workflow' : mode === 'pen' ? 'switched to one pen' : 'let everyone edit';
      return str(e.data.reason) ? `${text}: “${str(e.data.reason)}”` : text;
    }
    case 'pen.taken':
      return 'took the pen';
    case 'pen.requested':
      return e.target?.type === 'user' ? `asked ${who} for the pen` : 'asked for the pen';
    case 'pen.forced':
      return 'took the pen by force';
    case 'pen.handed_over':
      return `handed the pen to ${who}`;
    case 'pen.released':
      return str(e.data.reason) === 'idle' ? 'released the pen after it sat idle' : 'released the pen';
    case 'workflow.created':
      return 'created the workflow';
    case 'workflow.imported':
      return 'imported the workflow';
    case 'workflow.renamed':
      return str(e.data.from) && str(e.data.to)
        ? `renamed it from “${str(e.data.from) ?? ''}” to “${str(e.data.to) ?? ''}”`
        : 'renamed it';
    case 'workflow.deleted':
      return 'deleted the workflow';
    case 'workflow.published':
      return 'published it';
    case 'workflow.activated':
      return 'activated its triggers';
    case 'workflow.deactivated':
      return 'deactivated its triggers';
    case 'credential.granted':
      return 'granted a credential';
    case 'credential.revoked':
      return 'revoked a credential';
    case 'credential.used':
      // Recorded once per credential and version: the first run of a version that carries it.
      return 'handed a credential to the first run of a version';
    case 'run.started':
      return str(e.data.retryOf) ? 'retried a run' : `started a ${str(e.data.mode) ?? ''} run`.replace('  ', ' ');
    case 'run.stopped':
      return 'stopped a run';
    case 'version.named':
      return `named a version “${str(e.data.name) ?? ''}”`;
    case 'version.restored':
      return 'restored a version';
    case 'version.restore_undone':
      return 'undid a restore';
    case 'comment.resolved':
      return 'resolved a thread';
    case 'comment.reopened':
      return 'reopened a thread';
    case 'comment.moderated':
      return 'removed a comment';
    default:
      return e.action;
  }
};
