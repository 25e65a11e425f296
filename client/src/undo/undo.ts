import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import { edgesMap, metaMap, nodesMap, pinsMap } from '#shared/schema/index.ts';

/**
 * Per-user undo: a Y.UndoManager over the workflow's roots that tracks only
 * this browser's `ui` origin (and the text editors it adds), so Ctrl+Z undoes
 * your own changes and never someone else's.
 *
 * What one step is: every canvas or form action (origin `ui`: add, connect,
 * delete, paste, a setting) is a step of its own, however quickly the next
 * follows; a drag is one step however long it takes; typing in one field
 * merges into a step until a pause of CAPTURE_MS or a switch to anything else.
 */
export interface WorkflowUndo {
  readonly manager: Y.UndoManager;
  undo: () => boolean;
  redo: () => boolean;
  /** Make everything between 'start' and 'end' one step (a drag). */
  boundary: (phase: 'start' | 'end') => void;
  destroy: () => void;
}

const CAPTURE_MS = 500;

export const createWorkflowUndo = (doc: Y.Doc): WorkflowUndo => {
  const manager = new Y.UndoManager([metaMap(doc), nodesMap(doc), edgesMap(doc), pinsMap(doc)], {
    trackedOrigins: new Set<unknown>([origins.ui]),
    captureTimeout: CAPTURE_MS,
  });
  let dragging = false;
  let lastOrigin: unknown = undefined;
  const beforeTransaction = (tr: Y.Transaction) => {
    if (!manager.trackedOrigins.has(tr.origin) || dragging) return;
    if (tr.origin === origins.ui || tr.origin !== lastOrigin) manager.stopCapturing();
    lastOrigin = tr.origin;
  };
  doc.on('beforeTransaction', beforeTransaction);
  return {
    manager,
    undo: () => manager.undo() !== null,
    redo: () => manager.redo() !== null,
    boundary: (phase) => {
      manager.stopCapturing();
      dragging = phase === 'start';
      // A drag can pause longer than the capture window; it is still one step.
      manager.captureTimeout = dragging ? Number.POSITIVE_INFINITY : CAPTURE_MS;
      lastOrigin = undefined;
    },
    destroy: () => {
      doc.off('beforeTransaction', beforeTransaction);
      manager.destroy();
    },
  };
};
