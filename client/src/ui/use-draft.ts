import { useState } from 'react';

/**
 * A form field's text while someone edits it, reset whenever the value it
 * edits changes underneath (a remote edit, an undo). Resets during render, as
 * React recommends for state derived from props, not in an effect.
 */
export const useDraft = (value: string): [string, (next: string) => void] => {
  const [draft, setDraft] = useState(value);
  const [base, setBase] = useState(value);
  if (base !== value) {
    setBase(value);
    setDraft(value);
  }
  return [draft, setDraft];
};
