import { useEffect, useState, useSyncExternalStore } from 'react';
import { Wrench } from 'lucide-react';
import { activeSoftLock, SOFT_LOCK_REASON_MAX, type SoftLock } from '#shared/protocol/presence.ts';
import { useEditor, usePeersLocking } from '../editor/editor-context.tsx';
import type { Peer } from './presence.ts';

const clock = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Re-renders when the earliest of these times passes, so a lapsed lock disappears by itself. */
const useNowUntil = (times: readonly number[]): number => {
  const [now, setNow] = useState(() => Date.now());
  const next = times.filter((t) => t > now).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  useEffect(() => {
    if (!Number.isFinite(next)) return undefined;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, next - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [next]);
  return now;
};

/** Others' soft locks on a node that are in force now. */
const useActiveLocks = (nodeId: string): { peer: Peer; lock: SoftLock }[] => {
  const { presence } = useEditor();
  const peers = usePeersLocking(presence, nodeId);
  const now = useNowUntil(peers.map((p) => p.softLock?.until ?? 0));
  return peers.flatMap((peer) => {
    const lock = activeSoftLock(peer.softLock, now);
    return lock ? [{ peer, lock }] : [];
  });
};

const lockText = ({ peer, lock }: { peer: Peer; lock: SoftLock }): string =>
  `${peer.user.name} is reworking this node${lock.reason ? ` — ${lock.reason}` : ''}, until ${clock(lock.until)}`;

/** On the canvas node: who marked it as being reworked. */
export const SoftLockTag = ({ nodeId }: { nodeId: string }) => {
  const locks = useActiveLocks(nodeId);
  const first = locks[0];
  if (!first) return null;
  return (
    <div className="soft-lock-tag" data-testid="soft-lock" title={locks.map(lockText).join('\n')}>
      <Wrench size={11} aria-hidden="true" /> {first.peer.user.name}
      {locks.length > 1 ? ` +${locks.length - 1}` : ''}
    </div>
  );
};

const DURATIONS = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '30 minutes', ms: 30 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '2 hours', ms: 2 * 60 * 60_000 },
  { label: '4 hours', ms: 4 * 60 * 60_000 },
];

/** In the inspector: others' soft locks as a warning, and this person's own, to set or clear. */
export const SoftLockSection = ({ nodeId, canEdit }: { nodeId: string; canEdit: boolean }) => {
  const { presence } = useEditor();
  const locks = useActiveLocks(nodeId);
  const own = useSyncExternalStore(presence.subscribe, () => presence.ownSoftLock());
  const now = useNowUntil(own ? [own.until] : []);
  const mine = own?.nodeId === nodeId ? activeSoftLock(own, now) : null;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [duration, setDuration] = useState(DURATIONS[1]?.ms ?? 30 * 60_000);

  return (
    <div className="soft-locks">
      {locks.map((entry) => (
        <p key={entry.peer.clientId} className="warning soft-lock-warning" role="status">
          <Wrench size={14} aria-hidden="true" /> {lockText(entry)}. You can still edit it.
        </p>
      ))}
      {canEdit && mine && (
        <p className="soft-lock-own">
          You marked this node as being reworked until {clock(mine.until)}.{' '}
          <button type="button" className="link-button" onClick={() => presence.setSoftLock(null)}>
            Clear
          </button>
        </p>
      )}
      {canEdit && !mine && !open && (
        <button type="button" className="link-button" onClick={() => setOpen(true)}>
          Tell others you are reworking this node…
        </button>
      )}
      {canEdit && !mine && open && (
        <form
          className="soft-lock-form"
          onSubmit={(e) => {
            e.preventDefault();
            presence.setSoftLock({ nodeId, reason: reason.trim(), until: Date.now() + duration });
            setOpen(false);
            setReason('');
          }}
        >
          <input
            aria-label="What you are doing"
            placeholder="What you are doing (optional)"
            maxLength={SOFT_LOCK_REASON_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <select aria-label="For how long" value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.ms} value={d.ms}>
                {d.label}
              </option>
            ))}
          </select>
          <button type="submit">Mark</button>
          <button type="button" className="link-button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
};
