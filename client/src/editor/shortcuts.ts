/** Every keyboard shortcut of the editor, shown in the help panel and the README. */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'Ctrl/⌘ Z', action: 'Undo your last change' },
  { keys: 'Ctrl/⌘ Shift Z, Ctrl Y', action: 'Redo' },
  { keys: 'Ctrl/⌘ C / X / V', action: 'Copy, cut, paste nodes (as workflow JSON, across workflows)' },
  { keys: 'Ctrl/⌘ D', action: 'Duplicate the selected nodes' },
  { keys: 'Ctrl/⌘ A', action: 'Select all nodes' },
  { keys: 'Delete, Backspace', action: 'Delete the selection' },
  { keys: 'Shift drag', action: 'Box-select' },
  { keys: 'Shift/Ctrl/⌘ click', action: 'Add to or remove from the selection' },
  { keys: 'Escape', action: 'Clear the selection, close panels' },
  { keys: 'Shift 1', action: 'Fit the view to the workflow' },
  { keys: '+ / −', action: 'Zoom in / out' },
  { keys: 'Ctrl/⌘ K, /', action: 'Search the node palette' },
  { keys: '?', action: 'Show this help' },
];

/** Whether a key event belongs to a text field (typing there must not trigger canvas shortcuts). */
export const isTyping = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('.cm-editor')) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
};
