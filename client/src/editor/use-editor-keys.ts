import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useSetAtom } from 'jotai';
import { origins } from '#shared/origins.ts';
import { extractFragment, insertFragment } from '#shared/schema/index.ts';
import { panelAtom } from '../state/atoms.ts';
import { useEditor } from './editor-context.tsx';
import { isTyping } from './shortcuts.ts';

const DUPLICATE_OFFSET = { x: 40, y: 40 };

/** The editor's keyboard shortcuts (listed in shortcuts.ts). Text fields keep their own keys. */
export const useEditorKeys = (): void => {
  const { session, binding, undo, canEdit } = useEditor();
  const { fitView, zoomIn, zoomOut } = useReactFlow();
  const setPanel = useSetAtom(panelAtom);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && canEdit) {
        e.preventDefault();
        if (e.shiftKey) undo.redo();
        else undo.undo();
      } else if (mod && key === 'y' && canEdit) {
        e.preventDefault();
        undo.redo();
      } else if (mod && key === 'd' && canEdit) {
        e.preventDefault();
        const ids = binding.selectedNodeIds();
        if (ids.length === 0) return;
        const copies = insertFragment(session.doc, extractFragment(session.doc, ids), {
          offset: DUPLICATE_OFFSET,
          origin: origins.ui,
        });
        binding.select(copies);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && canEdit) {
        // Ours, not React Flow's: its handler misses a selection made from code (Ctrl+A, paste).
        e.preventDefault();
        binding.deleteElements(binding.selectedNodeIds(), binding.selectedEdgeIds());
      } else if (mod && key === 'a') {
        e.preventDefault();
        binding.select(binding.getSnapshot().nodes.map((n) => n.id));
      } else if ((mod && key === 'k') || (!mod && e.key === '/')) {
        const search = document.querySelector<HTMLInputElement>('.palette input[type=search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if (e.key === '?') {
        setPanel((p) => (p === 'help' ? 'none' : 'help'));
      } else if (e.key === 'Escape') {
        binding.select([]);
        setPanel('none');
      } else if (e.code === 'Digit1' && e.shiftKey && !mod) {
        void fitView({ padding: 0.2, maxZoom: 1, duration: 200 });
      } else if (!mod && (e.key === '+' || e.key === '=')) {
        void zoomIn({ duration: 120 });
      } else if (!mod && e.key === '-') {
        void zoomOut({ duration: 120 });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [binding, canEdit, fitView, session, setPanel, undo, zoomIn, zoomOut]);
};
