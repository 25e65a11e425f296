import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ModeDto } from '#shared/api/modes.ts';
import type { FlowBinding } from '../canvas/flow-binding.ts';
import type { DiscussionStore } from '../comments/discussion-store.ts';
import type { WorkflowSession } from '../doc/session.ts';
import type { DiffMark, VersionDiff } from '../history/version-diff.ts';
import type { Peer, Presence } from '../presence/presence.ts';
import type { RunPlanner } from '../runs/run-planner.ts';
import type { NodeRun, RunStatus } from '../runs/run-status.ts';
import type { WorkflowUndo } from '../undo/undo.ts';
import type { TestListen } from './test-listen.ts';

/** What every part of the open editor shares: the document, its canvas binding, presence and undo. */
export interface EditorContextValue {
  session: WorkflowSession;
  binding: FlowBinding;
  presence: Presence;
  undo: WorkflowUndo;
  /** The run the server reports in the room. */
  runs: RunStatus;
  /** Plans the next run against the run it builds on: which nodes run again, and why. */
  planner: RunPlanner;
  /** Whether `/webhook-test/` serves this workflow now ("Listen for test event"). */
  testListen: TestListen;
  canEdit: boolean;
  /** Whether this person may run and stop the workflow: editors and owners, in every edit mode (runs do not change it). */
  canRun: boolean;
  /** The workflow's discussion (comments), its own document. */
  discussion: DiscussionStore;
  /** Whether this person may write comments (commenters and above). */
  canComment: boolean;
  /** Whether this person may remove anyone's comment (owners). */
  canModerate: boolean;
  /** The workflow's edit mode as the server enforces it; null in parallel mode. */
  mode: ModeDto | null;
  /** The version compared with the live document ("Compare with now"), if any. */
  diff: VersionDiff;
  /** This device's changes the server holds back for the edit mode (they merge when this person may write again). */
  heldChanges: number;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export const useEditor = (): EditorContextValue => {
  const value = useContext(EditorContext);
  if (!value) throw new Error('useEditor outside the editor');
  return value;
};

export const usePeers = (presence: Presence): Peer[] => useSyncExternalStore(presence.subscribe, presence.peers);

export const usePeersSelecting = (presence: Presence, nodeId: string): readonly Peer[] =>
  useSyncExternalStore(presence.subscribe, () => presence.peersSelecting(nodeId));

export const usePeersLocking = (presence: Presence, nodeId: string): readonly Peer[] =>
  useSyncExternalStore(presence.subscribe, () => presence.peersLocking(nodeId));

/** Why the node runs again in the next run (undefined when it is reused); re-renders only when that changes. */
export const useWillRun = (planner: RunPlanner, nodeId: string): string | undefined =>
  useSyncExternalStore(planner.subscribe, () => planner.willRun(nodeId));

export const useNodeRun = (runs: RunStatus, nodeId: string): NodeRun | undefined =>
  useSyncExternalStore(runs.subscribe, () => runs.node(nodeId));

/** How a node differs from the compared version; re-renders the node only when its own mark changes. */
export const useDiffMark = (diff: VersionDiff, nodeId: string): DiffMark | undefined =>
  useSyncExternalStore(diff.subscribe, () => diff.markOf(nodeId));
