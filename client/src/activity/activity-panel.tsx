import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEventDto, AuditPageDto } from '#shared/api/audit.ts';
import { api, ApiError } from '../api/client.ts';
import { useMembers } from '../comments/use-discussion.ts';
import { SidePanel } from '../ui/side-panel.tsx';
import { ACTIVITY_FILTERS, activityQuery, ago, describeActivity, type ActivityFilter } from './activity-text.ts';
import '../comments/comments.css';
import './activity.css';

const failure = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not load the activity');

/**
 * The workflow's audit trail for its editors and owners (docs/plans/
 * collaboration.md §6.3): who changed access, links, the mode, ran, named
 * or restored versions, resolved comments; newest first, a page at a time.
 */
export const ActivityPanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const [filter, setFilter] = useState<ActivityFilter>('all');
  const [events, setEvents] = useState<AuditEventDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string>();
  const members = useMembers(workflowId);
  const nameOf = useMemo(() => {
    const names = new Map(members.map((m) => [m.userId, m.name]));
    return (id: string) => names.get(id);
  }, [members]);

  const fetchPage = useCallback(
    (from: string | null) =>
      api<AuditPageDto>('GET', `/api/workflows/${workflowId}/audit?${activityQuery(filter, from)}`),
    [workflowId, filter],
  );
  // Pages that arrive after the chip changed belong to the old chip: dropped.
  const current = useRef(fetchPage);

  useEffect(() => {
    current.current = fetchPage;
    let live = true;
    fetchPage(null).then(
      (page) => {
        if (!live) return;
        setEvents(page.events);
        setCursor(page.nextCursor);
        setError(undefined);
        setLoaded(true);
      },
      (e: unknown) => {
        if (live) setError(failure(e));
      },
    );
    return () => {
      live = false;
    };
  }, [fetchPage]);

  const showOlder = () => {
    if (cursor === null) return;
    const from = fetchPage;
    setLoadingOlder(true);
    from(cursor)
      .then(
        (page) => {
          if (current.current !== from) return;
          setEvents((shown) => [...shown, ...page.events]);
          setCursor(page.nextCursor);
        },
        (e: unknown) => setError(failure(e)),
      )
      .finally(() => setLoadingOlder(false));
  };

  return (
    <SidePanel label="Activity panel" title="Activity" closeLabel="Close activity" onClose={onClose}>
      <div className="comment-filters" role="group" aria-label="Show activity">
        {ACTIVITY_FILTERS.map((f) => (
          <button key={f.id} type="button" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
            {f.label}
          </button>
        ))}
      </div>
      {error && <p className="error">{error}</p>}
      {loaded && events.length === 0 && <p className="muted">Nothing here yet.</p>}
      <ul className="activity-list" aria-label="Activity">
        {events.map((e) => (
          <li key={e.id}>
            <strong>{e.actor ? e.actor.name : 'Weft'}</strong> {describeActivity(e, nameOf)}
            <time
              className="activity-when muted"
              dateTime={new Date(e.at).toISOString()}
              title={new Date(e.at).toLocaleString()}
            >
              {ago(e.at)}
            </time>
          </li>
        ))}
      </ul>
      {cursor !== null && (
        <button type="button" disabled={loadingOlder} onClick={showOlder}>
          Show older
        </button>
      )}
    </SidePanel>
  );
};
