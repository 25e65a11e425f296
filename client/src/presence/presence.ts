import type { Awareness } from 'y-protocols/awareness';

/**
 * Presence over Yjs awareness: who is here, where their pointer is (in flow
 * coordinates, so it lands on the same spot under any pan and zoom), what
 * they have selected, their viewport (to follow them) and the node or field
 * they are editing. Remote states are untrusted input and parsed defensively.
 *
 * Field names: `user` is the one y-codemirror.next reads for remote carets;
 * `cursor` belongs to y-codemirror.next (a text caret), so the canvas pointer
 * is `pointer`.
 */

export interface PresenceUser {
  id: string;
  name: string;
  color: string;
  colorLight: string;
}

export interface XY {
  x: number;
  y: number;
}

export interface Viewport extends XY {
  zoom: number;
}

export interface Editing {
  nodeId: string;
  field: string | null;
}

export interface Peer {
  clientId: number;
  user: PresenceUser;
  pointer: XY | null;
  selection: string[];
  viewport: Viewport | null;
  editing: Editing | null;
}

const PALETTE = [
  '#e5484d',
  '#0b8a5f',
  '#3e63dd',
  '#d6409f',
  '#f76b15',
  '#8e4ec6',
  '#12a594',
  '#ad7f58',
  '#0090ff',
  '#6e56cf',
];

/** A stable colour per account, the same in every browser. */
export const colorFor = (userId: string): string => {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '#3e63dd';
};

export const presenceUser = (user: { id: string; name: string }): PresenceUser => {
  const color = colorFor(user.id);
  return { id: user.id, name: user.name, color, colorLight: `${color}33` };
};

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const COLOR = /^#[0-9a-fA-F]{6}$/;

const parseXY = (v: unknown): XY | null => {
  const r = record(v);
  return r && finite(r.x) && finite(r.y) ? { x: r.x, y: r.y } : null;
};

/** One remote awareness state as a Peer, or null when it is not a Weft editor's state. */
export const parsePeer = (clientId: number, state: unknown): Peer | null => {
  const r = record(state);
  const u = record(r?.user);
  if (!r || !u || typeof u.id !== 'string' || typeof u.name !== 'string') return null;
  const color = typeof u.color === 'string' && COLOR.test(u.color) ? u.color : colorFor(u.id);
  const vp = record(r.viewport);
  const editing = record(r.editing);
  return {
    clientId,
    user: { id: u.id, name: u.name.slice(0, 100), color, colorLight: `${color}33` },
    pointer: parseXY(r.pointer),
    selection: Array.isArray(r.selection)
      ? r.selection.filter((s): s is string => typeof s === 'string').slice(0, 10_000)
      : [],
    viewport:
      vp && finite(vp.x) && finite(vp.y) && finite(vp.zoom) && vp.zoom > 0 ? { x: vp.x, y: vp.y, zoom: vp.zoom } : null,
    editing:
      editing && typeof editing.nodeId === 'string'
        ? { nodeId: editing.nodeId, field: typeof editing.field === 'string' ? editing.field : null }
        : null,
  };
};

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

const NO_PEERS: readonly Peer[] = [];

const samePeerLook = (a: Peer, b: Peer | undefined): boolean =>
  b !== undefined && a.clientId === b.clientId && a.user.color === b.user.color && a.user.name === b.user.name;

/** Pointer and viewport updates go out at most this often; awareness is broadcast to the whole room. */
const STREAM_MS = 40;

export class Presence {
  private peersCache: Peer[] = [];
  private selectedBy = new Map<string, Peer[]>();
  private readonly listeners = new Set<() => void>();
  private pending: { pointer?: XY | null; viewport?: Viewport } = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = 0;

  constructor(
    readonly awareness: Awareness,
    user: PresenceUser,
  ) {
    awareness.setLocalStateField('user', user);
    this.refresh();
    awareness.on('change', this.onChange);
  }

  get clientId(): number {
    return this.awareness.clientID;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Everyone else in the room, in a stable order. */
  peers = (): Peer[] => this.peersCache;

  /** Peers who have this node selected (the same array until that changes). */
  peersSelecting = (nodeId: string): readonly Peer[] => this.selectedBy.get(nodeId) ?? NO_PEERS;

  setPointer(pointer: XY | null): void {
    this.pending.pointer = pointer;
    this.stream();
  }

  setViewport(viewport: Viewport): void {
    this.pending.viewport = viewport;
    this.stream();
  }

  setSelection(selection: readonly string[]): void {
    this.awareness.setLocalStateField('selection', [...selection]);
  }

  setEditing(editing: Editing | null): void {
    const current = parsePeer(this.clientId, this.awareness.getLocalState())?.editing ?? null;
    if (current?.nodeId === editing?.nodeId && current?.field === editing?.field) return;
    this.awareness.setLocalStateField('editing', editing);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.awareness.off('change', this.onChange);
    this.listeners.clear();
  }

  private stream(): void {
    const wait = this.lastSent + STREAM_MS - performance.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastSent = performance.now();
    const state = { ...(this.awareness.getLocalState() ?? {}), ...this.pending };
    this.pending = {};
    this.awareness.setLocalState(state);
  }

  private readonly onChange = ({ added, updated, removed }: AwarenessChange): void => {
    // Our own pointer moving must not re-render everyone who shows peers.
    if ([...added, ...updated, ...removed].every((id) => id === this.clientId)) return;
    this.refresh();
    for (const listener of this.listeners) listener();
  };

  private refresh(): void {
    const peers: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.clientId) continue;
      const peer = parsePeer(clientId, state);
      if (peer) peers.push(peer);
    }
    this.peersCache = peers.sort((a, b) => a.clientId - b.clientId);
    const next = new Map<string, Peer[]>();
    for (const peer of this.peersCache) {
      for (const id of peer.selection) next.set(id, [...(next.get(id) ?? []), peer]);
    }
    // Keep the old array where nothing changed, so only the affected nodes re-render.
    for (const [id, list] of next) {
      const old = this.selectedBy.get(id);
      if (old && old.length === list.length && old.every((p, i) => samePeerLook(p, list[i]))) next.set(id, old);
    }
    this.selectedBy = next;
  }
}
