import { useAtom } from 'jotai';
import { followingAtom } from '../state/atoms.ts';
import { usePeers } from '../editor/editor-context.tsx';
import type { Presence, PresenceUser } from './presence.ts';

const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('') || '?';

/** Everyone in the workflow; clicking someone follows their viewport (click again to stop). */
export const Avatars = ({ presence, me }: { presence: Presence; me: PresenceUser }) => {
  const peers = usePeers(presence);
  const [following, setFollowing] = useAtom(followingAtom);
  return (
    <div className="avatars" aria-label="People in this workflow" data-testid="avatars">
      <span className="avatar me" style={{ background: me.color }} title={`${me.name} (you)`}>
        {initials(me.name)}
      </span>
      {peers.map((p) => {
        const followed = following === p.clientId;
        return (
          <button
            type="button"
            key={p.clientId}
            className={followed ? 'avatar following' : 'avatar'}
            style={{ background: p.user.color, outlineColor: p.user.color }}
            title={followed ? `Following ${p.user.name}: click to stop` : `${p.user.name}: click to follow`}
            aria-label={followed ? `Stop following ${p.user.name}` : `Follow ${p.user.name}`}
            aria-pressed={followed}
            data-peer-name={p.user.name}
            onClick={() => setFollowing(followed ? null : p.clientId)}
          >
            {initials(p.user.name)}
          </button>
        );
      })}
    </div>
  );
};
