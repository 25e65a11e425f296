import { droppedTemplate } from '../expressions/field-drag.ts';
import type { CompletionData } from '../expressions/completions.ts';
import { expressionSupport } from '../expressions/expression-editor.ts';
import { isExpression } from '#shared/schema/index.ts';
import { useEffect, useRef } from 'react';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, placeholder as placeholderExt } from '@codemirror/view';
import { yCollab, ySyncAnnotation, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/**
 * A text field bound to a Y.Text with CodeMirror and y-codemirror.next: two
 * people typing in one field both keep their characters, and each sees the
 * other's caret. Undo goes through the workflow's own UndoManager, so Ctrl+Z
 * here undoes your typing and nothing of anyone else's.
 */
export interface YTextEditorProps {
  text: Y.Text;
  awareness: Awareness;
  undoManager: Y.UndoManager;
  language?: 'javascript' | 'json';
  multiline?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  label: string;
  onFocusChange?: (focused: boolean) => void;
  /** For fields that may hold an expression: what its completions offer (read when asked). */
  completionData?: () => CompletionData;
}

// Typing Enter in a one-line field does nothing; text arriving from others is never filtered,
// or the editor would drift from the document.
const singleLine = EditorState.transactionFilter.of((tr) =>
  tr.newDoc.lines > 1 && tr.annotation(ySyncAnnotation) === undefined ? [] : tr,
);

export const YTextEditor = ({
  text,
  awareness,
  undoManager,
  language,
  multiline = false,
  readOnly = false,
  placeholder,
  label,
  onFocusChange,
  completionData,
}: YTextEditorProps) => {
  const host = useRef<HTMLDivElement>(null);
  const focusRef = useRef(onFocusChange);
  useEffect(() => {
    focusRef.current = onFocusChange;
  }, [onFocusChange]);

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const extensions: Extension[] = [
      yCollab(text, awareness, { undoManager }),
      keymap.of([...yUndoManagerKeymap, ...defaultKeymap, ...(multiline ? [indentWithTab] : [])]),
      EditorView.lineWrapping,
      EditorState.readOnly.of(readOnly),
      EditorView.editable.of(!readOnly),
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': String(multiline) }),
      EditorView.domEventHandlers({
        focus: () => focusRef.current?.(true),
        blur: () => focusRef.current?.(false),
        // A field dragged from the input panel: its {{ }} goes where it is dropped, and the value becomes an
        // expression if it was not one (one transaction: one undo step, one update for everyone).
        drop: (event, view) => {
          const template = droppedTemplate(event.dataTransfer);
          if (!template || readOnly) return false;
          event.preventDefault();
          const at = view.posAtCoords({ x: event.clientX, y: event.clientY }) ?? view.state.doc.length;
          const doc = view.state.doc.toString();
          const changes = isExpression(doc)
            ? [{ from: Math.max(1, at), insert: template }]
            : [{ from: 0, to: view.state.doc.length, insert: `=${template}` }];
          view.dispatch({ changes, userEvent: 'input.drop' });
          view.focus();
          return true;
        },
      }),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    ];
    if (!multiline) extensions.push(singleLine);
    if (completionData) extensions.push(expressionSupport(completionData));
    if (placeholder) extensions.push(placeholderExt(placeholder));
    if (language) {
      extensions.push(lineNumbers(), bracketMatching(), indentOnInput());
      extensions.push(language === 'javascript' ? javascript() : json());
    }
    const view = new EditorView({
      parent,
      state: EditorState.create({ doc: text.toJSON(), extensions }),
    });
    return () => view.destroy();
  }, [text, awareness, undoManager, language, multiline, readOnly, placeholder, label, completionData]);

  return <div ref={host} className={`ytext ${language ? 'ytext-code' : ''} ${multiline ? 'ytext-multi' : ''}`} />;
};
