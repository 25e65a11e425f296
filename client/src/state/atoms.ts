import { atom } from 'jotai';
import { atomWithStorage } from 'jotai/utils';

/**
 * UI state only. The workflow itself lives in the Yjs document; nothing here
 * is ever a copy of it.
 */

export type Theme = 'light' | 'dark';

const prefersDark = (): boolean =>
  typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches;

export const themeAtom = atomWithStorage<Theme>('weft.theme', prefersDark() ? 'dark' : 'light', undefined, {
  getOnInit: true,
});
export const snapToGridAtom = atomWithStorage('weft.snapToGrid', true, undefined, { getOnInit: true });
/** A phone's screen is the canvas's: there the palette starts closed (phone.css shows it over the canvas). */
const isPhone = (): boolean => typeof window !== 'undefined' && window.matchMedia('(max-width: 640px)').matches;

export const paletteOpenAtom = atomWithStorage('weft.paletteOpen', !isPhone(), undefined, { getOnInit: true });
export const minimapOpenAtom = atomWithStorage('weft.minimap', true, undefined, { getOnInit: true });

/** Which side panel shows, besides the inspector. */
export const panelAtom = atom<
  | 'none'
  | 'members'
  | 'help'
  | 'executions'
  | 'credentials'
  | 'settings'
  | 'comments'
  | 'mode'
  | 'history'
  | 'activity'
  | 'template'
>('none');

/**
 * What the comments panel shows: one node's threads, one thread picked out
 * (`pinned`: shown whatever the filter, as when opened from the inbox), and
 * whether to start writing.
 */
export const commentsFocusAtom = atom<{
  nodeId?: string;
  threadId?: string;
  pinned?: boolean;
  compose?: boolean;
} | null>(null);

/** The execution whose items the inspector shows: the room's latest unless one is picked in the executions panel. */
export const viewedExecutionAtom = atom<string | null>(null);

/** Nodes selected on the canvas (the inspector shows the one when there is exactly one). */
export const selectedNodeIdsAtom = atom<readonly string[]>([]);

/** The awareness client id of the person whose viewport this user follows. */
export const followingAtom = atom<number | null>(null);

/** A short message at the bottom of the editor (paste problems, name conflicts), with one action at most ("Undo"). */
export const toastAtom = atom<{
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
} | null>(null);
