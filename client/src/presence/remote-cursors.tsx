import { useStore, ViewportPortal } from '@xyflow/react';
import { usePeers } from '../editor/editor-context.tsx';
import type { Presence } from './presence.ts';

/**
 * Other people's pointers, placed in flow coordinates inside the viewport, so
 * a pointer stays on the node it points at under any pan and zoom. The glyph
 * is scaled back so it keeps its size on screen.
 */
export const RemoteCursors = ({ presence }: { presence: Presence }) => {
  const peers = usePeers(presence);
  const zoom = useStore((s) => s.transform[2]);
  return (
    <ViewportPortal>
      {peers.map((p) =>
        p.pointer ? (
          <div
            key={p.clientId}
            className="remote-cursor"
            data-testid="remote-cursor"
            data-peer-name={p.user.name}
            style={{ transform: `translate(${p.pointer.x}px, ${p.pointer.y}px) scale(${1 / zoom})` }}
          >
            <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
              <path
                d="M1 1 L1 15 L5 11 L8 17 L11 16 L8 10 L14 10 Z"
                fill={p.user.color}
                stroke="white"
                strokeWidth="1.2"
              />
            </svg>
            <span className="remote-cursor-name" style={{ background: p.user.color }}>
              {p.user.name}
            </span>
          </div>
        ) : null,
      )}
    </ViewportPortal>
  );
};
