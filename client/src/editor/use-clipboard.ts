import { useEffect } from 'react';
import { useSetAtom } from 'jotai';
import { UserError } from '#shared/errors.ts';
import { origins } from '#shared/origins.ts';
import { extractFragment, insertFragment } from '#shared/schema/index.ts';
import { toastAtom } from '../state/atoms.ts';
import { useEditor } from './editor-context.tsx';
import { isTyping } from './shortcuts.ts';

/**
 * Copy, cut and paste of nodes through the system clipboard, as workflow
 * definition JSON: it pastes into another workflow, another tab, another
 * Weft, or a text editor. Uses the clipboard events, which need no permission.
 */
export const useClipboard = (pointer: { readonly current: { x: number; y: number } | null }): void => {
  const { session, binding, canEdit } = useEditor();
  const setToast = useSetAtom(toastAtom);

  useEffect(() => {
    const copy = (e: ClipboardEvent, cut: boolean) => {
      if (isTyping(e.target) || !e.clipboardData) return;
      const ids = binding.selectedNodeIds();
      if (ids.length === 0) return;
      e.preventDefault();
      e.clipboardData.setData('text/plain', JSON.stringify(extractFragment(session.doc, ids), null, 2));
      if (cut && canEdit) binding.deleteElements(ids, []);
    };
    const onCopy = (e: ClipboardEvent) => copy(e, false);
    const onCut = (e: ClipboardEvent) => copy(e, true);
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target) || !e.clipboardData || !canEdit) return;
      const text = e.clipboardData.getData('text/plain');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return; // Not JSON: not meant for the canvas.
      }
      e.preventDefault();
      try {
        const at = pointer.current ?? undefined;
        const ids = insertFragment(
          session.doc,
          parsed,
          at ? { at, origin: origins.ui } : { offset: { x: 40, y: 40 }, origin: origins.ui },
        );
        binding.select(ids);
      } catch (err) {
        const detail = err instanceof UserError && err.issues[0] ? `: ${err.issues[0].message}` : '';
        setToast({ text: `Could not paste${detail}`, kind: 'error' });
      }
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [binding, canEdit, pointer, session, setToast]);
};
