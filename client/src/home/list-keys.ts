import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

const typingIn = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || !!target.closest('input, textarea, select'));

/**
 * The list's keyboard and selection: ↑/↓ move focus between rows (↑ from the first goes back to the search),
 * Enter opens (the row's own handler), Space selects, `/` focuses the search, Shift+click or Shift+Space
 * selects the range from the last row chosen.
 */
export const useListKeys = (
  rows: readonly { id: string }[],
  listRef: RefObject<HTMLUListElement | null>,
  searchRef: RefObject<HTMLInputElement | null>,
) => {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | undefined>(undefined);

  const focusRow = useCallback(
    (id: string) => {
      listRef.current?.querySelector<HTMLElement>(`li[data-workflow-id="${CSS.escape(id)}"]`)?.focus();
    },
    [listRef],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [searchRef]);

  const move = (from: string, by: 1 | -1) => {
    const at = rows.findIndex((r) => r.id === from);
    const next = rows[at + by];
    if (next) focusRow(next.id);
    else if (by === -1) searchRef.current?.focus();
  };

  const select = (id: string, range: boolean) => {
    // Read before the update: React runs the updater later, after the anchor has moved on.
    const from = anchor.current === undefined ? -1 : rows.findIndex((r) => r.id === anchor.current);
    const to = rows.findIndex((r) => r.id === id);
    anchor.current = id;
    setSelected((before) => {
      const next = new Set(before);
      if (range && from >= 0 && to >= 0) {
        for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
          const row = rows[i];
          if (row) next.add(row.id);
        }
      } else if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };

  return {
    selected,
    select,
    move,
    focusFirst: () => {
      const first = rows[0];
      if (first) focusRow(first.id);
    },
    clear: () => {
      setSelected(new Set());
      anchor.current = undefined;
    },
  };
};
