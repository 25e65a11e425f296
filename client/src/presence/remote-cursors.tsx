import { useStore } from '@xyflow/react';
import { usePeers } from '../editor/editor-context.tsx';
import type { Presence } from './presence.ts';

/**
 * Other people's pointers, placed in flow coordinates through the canvas's
 * own pan and zoom, so a pointer stays on the node it points at. The glyph
 * keeps its size on screen. (Not React Flow's ViewportPortal: its selector
 * queries the DOM on every store update, which a 1,000-node canvas feels.)
 */
export const RemoteCursors = ({ presence }: { presence: Presence }) => {
  const peers = usePeers(presence);
  const [tx, ty, zoom] = useStore((s) => s.transform);
  return (
    <div className="remote-cursors" aria-hidden="true">
      {peers.map((p) =>
        p.pointer ? (
          <div
            key={p.clientId}
            className="remote-cursor"
            data-testid="remote-cursor"
            data-peer-name={p.user.name}
            style={{ transform: `translate(${p.pointer.x * zoom + tx}px, ${p.pointer.y * zoom + ty}px)` }}
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
    </div>
  );
};
