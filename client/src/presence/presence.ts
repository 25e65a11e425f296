import type { Awareness } from 'y-protocols/awareness';
import { softLockSchema, type SoftLock } from '#shared/protocol/presence.ts';

/**
 * Presence over Yjs awareness: who is here, where their pointer is (in flow
 * coordinates, so it lands on the same spot under any pan and zoom), what
 * they have selected, their viewport (to follow them), the node or field
 * they are editing, and the node they marked as being reworked (a soft lock,
 * shared/src/protocol/presence.ts). Remote states are untrusted input and parsed defensively.
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
  /** As sent: whether it is still in force depends on the time (activeSoftLock). */
  softLock: SoftLock | null;
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
    softLock: softLockSchema.safeParse(r.softLock).data ?? null,
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

const sameLock = (a: Peer, b: Peer | undefined): boolean =>
  samePeerLook(a, b) && a.softLock?.reason === b?.softLock?.reason && a.softLock?.until === b?.softLock?.until;

/** Groups peers by node id, keeping last time's array for a node where nothing changed (only it re-renders). */
const groupByNode = (
  entries: Iterable<[string, Peer]>,
  previous: Map<string, Peer[]>,
  same: (a: Peer, b: Peer | undefined) => boolean,
): Map<string, Peer[]> => {
  const next = new Map<string, Peer[]>();
  for (const [id, peer] of entries) next.set(id, [...(next.get(id) ?? []), peer]);
  for (const [id, list] of next) {
    const old = previous.get(id);
    if (old && old.length === list.length && old.every((p, i) => same(p, list[i]))) next.set(id, old);
  }
  return next;
};

/** Pointer and viewport updates go out at most this often; awareness is broadcast to the whole room. */
const STREAM_MS = 40;

export class Presence {
  private peersCache: Peer[] = [];
  private selectedBy = new Map<string, Peer[]>();
  private lockedBy = new Map<string, Peer[]>();
  private ownLock: SoftLock | null = null;
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

  /** Peers whose soft lock names this node, lapsed or not (the same array until that changes). */
  peersLocking = (nodeId: string): readonly Peer[] => this.lockedBy.get(nodeId) ?? NO_PEERS;

  /** This browser's own soft lock, as last set (the same object until it changes: a store snapshot). */
  ownSoftLock = (): SoftLock | null => this.ownLock;

  setSoftLock(lock: SoftLock | null): void {
    this.ownLock = lock;
    this.awareness.setLocalStateField('softLock', lock);
    // Our own state changing is not news to onChange (it ignores our id); the inspector shows it too.
    for (const listener of this.listeners) listener();
  }

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
    this.selectedBy = groupByNode(
      this.peersCache.flatMap((peer) => peer.selection.map((id): [string, Peer] => [id, peer])),
      this.selectedBy,
      samePeerLook,
    );
    this.lockedBy = groupByNode(
      this.peersCache.flatMap((peer): [string, Peer][] => (peer.softLock ? [[peer.softLock.nodeId, peer]] : [])),
      this.lockedBy,
      sameLock,
    );
  }
}
