import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import { edgesMap, metaMap, nodesMap } from '#shared/schema/index.ts';

/**
 * Per-user undo: a Y.UndoManager over the workflow's roots that tracks only
 * this browser's `ui` origin (and the text editors it adds), so Ctrl+Z undoes
 * your own changes and never someone else's.
 */
export interface WorkflowUndo {
  readonly manager: Y.UndoManager;
  undo: () => boolean;
  redo: () => boolean;
  /** Make everything between 'start' and 'end' one step (a drag). */
  boundary: (phase: 'start' | 'end') => void;
  destroy: () => void;
}

/** Edits closer together than this merge into one step (typing a word, nudging). */
const CAPTURE_MS = 500;

export const createWorkflowUndo = (doc: Y.Doc): WorkflowUndo => {
  const manager = new Y.UndoManager([metaMap(doc), nodesMap(doc), edgesMap(doc)], {
    trackedOrigins: new Set<unknown>([origins.ui]),
    captureTimeout: CAPTURE_MS,
  });
  return {
    manager,
    undo: () => manager.undo() !== null,
    redo: () => manager.redo() !== null,
    boundary: (phase) => {
      manager.stopCapturing();
      // A drag can pause longer than the capture window; it is still one step.
      manager.captureTimeout = phase === 'start' ? Number.POSITIVE_INFINITY : CAPTURE_MS;
    },
    destroy: () => manager.destroy(),
  };
};
