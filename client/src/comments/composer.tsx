import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { MemberDto } from '#shared/api/index.ts';
import { MAX_BODY_LENGTH } from '#shared/discussion/index.ts';
import { mentionQuery, toStoredBody, type PickedMention } from './mention-text.ts';

const MAX_SUGGESTIONS = 6;

/**
 * A comment's text box with @mention autocomplete over the workflow's
 * members. Ctrl/⌘ Enter sends. `onSubmit` throws to refuse (the message shows).
 */
export const Composer = ({
  members,
  label,
  submitLabel,
  initial = { text: '', picked: [] },
  onSubmit,
  onCancel,
  autoFocus = false,
}: {
  members: readonly MemberDto[];
  label: string;
  submitLabel: string;
  initial?: { text: string; picked: PickedMention[] };
  onSubmit: (body: string) => void;
  onCancel?: () => void;
  autoFocus?: boolean;
}) => {
  const [text, setText] = useState(initial.text);
  const [picked, setPicked] = useState<PickedMention[]>(initial.picked);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();

  const q = query?.query.toLowerCase() ?? '';
  const suggestions = query
    ? members
        .filter((m) => m.name.toLowerCase().includes(q) || m.email.toLowerCase().startsWith(q))
        .slice(0, MAX_SUGGESTIONS)
    : [];

  const track = (value: string, caret: number) => {
    setText(value);
    setQuery(mentionQuery(value, caret));
    setActive(0);
  };

  const pick = (member: MemberDto) => {
    if (!query) return;
    const caret = box.current?.selectionStart ?? text.length;
    const inserted = `@${member.name} `;
    const next = text.slice(0, query.start) + inserted + text.slice(caret);
    setText(next);
    setPicked((list) =>
      list.some((p) => p.userId === member.userId) ? list : [...list, { userId: member.userId, name: member.name }],
    );
    setQuery(null);
    const at = query.start + inserted.length;
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(at, at);
    });
  };

  const submit = () => {
    if (!text.trim()) return;
    try {
      onSubmit(toStoredBody(text, picked));
      setText('');
      setPicked([]);
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save the comment');
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const member = suggestions[active];
        if (member) pick(member);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && onCancel) onCancel();
    // The editor's shortcuts (Delete removes nodes, Ctrl Z undoes) must not fire while typing here.
    e.stopPropagation();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="composer-box">
        <textarea
          ref={box}
          aria-label={label}
          placeholder={`${label} — @ to mention someone`}
          value={text}
          maxLength={MAX_BODY_LENGTH}
          rows={2}
          autoFocus={autoFocus}
          role="combobox"
          aria-expanded={suggestions.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          onChange={(e) => track(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setQuery(mentionQuery(e.currentTarget.value, e.currentTarget.selectionStart))}
          onKeyDown={onKeyDown}
        />
        {suggestions.length > 0 && (
          <ul className="mention-list" role="listbox" id={listId} aria-label="People to mention">
            {suggestions.map((m, i) => (
              <li
                key={m.userId}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(m);
                }}
              >
                <strong>{m.name}</strong> <span className="muted">{m.email}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={!text.trim()}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
};
