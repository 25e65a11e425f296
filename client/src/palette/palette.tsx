import { useMemo, useState, type DragEvent } from 'react';
import { Star } from 'lucide-react';
import { nodeDefinitions, type NodeCategory, type NodeDefinition } from '#shared/nodes/index.ts';
import { NodeIcon } from '../canvas/node-icons.tsx';
import { useFavourites } from './favourites.ts';

/** The drag payload a palette item carries onto the canvas. */
export const NODE_DRAG_TYPE = 'application/x-weft-node-type';

const CATEGORIES: { id: NodeCategory | 'all' | 'favourites'; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'favourites', label: 'Starred' },
  { id: 'trigger', label: 'Triggers' },
  { id: 'flow', label: 'Flow' },
  { id: 'transform', label: 'Transform' },
  { id: 'action', label: 'Actions' },
  { id: 'utility', label: 'Utility' },
];

const matches = (def: NodeDefinition, words: readonly string[]): boolean => {
  const hay = [def.type, def.label, def.description, ...(def.keywords ?? [])].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
};

export const Palette = ({ onAdd, disabled }: { onAdd: (type: string) => void; disabled: boolean }) => {
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<(typeof CATEGORIES)[number]['id']>('all');
  const { favourites, toggle } = useFavourites();

  const shown = useMemo(() => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const list = nodeDefinitions.filter((def) => {
      if (category === 'favourites' && !favourites.includes(def.type)) return false;
      if (category !== 'all' && category !== 'favourites' && def.category !== category) return false;
      return matches(def, words);
    });
    // Starred types first, in the order they were starred.
    const rank = (def: NodeDefinition) => {
      const i = favourites.indexOf(def.type);
      return i === -1 ? Number.MAX_SAFE_INTEGER : i;
    };
    return [...list].sort((a, b) => rank(a) - rank(b));
  }, [query, category, favourites]);

  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(NODE_DRAG_TYPE, type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <input
        type="search"
        placeholder="Search nodes…"
        aria-label="Search nodes"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          const first = shown[0];
          if (e.key === 'Enter' && first && !disabled) onAdd(first.type);
        }}
      />
      <div className="chips" role="tablist" aria-label="Categories">
        {CATEGORIES.map((c) => (
          <button
            key={c.id}
            type="button"
            role="tab"
            aria-selected={category === c.id}
            className={category === c.id ? 'chip active' : 'chip'}
            onClick={() => setCategory(c.id)}
          >
            {c.label}
          </button>
        ))}
      </div>
      <ul className="palette-list">
        {shown.map((def) => {
          const starred = favourites.includes(def.type);
          return (
            <li key={def.type} className="palette-item" style={{ '--node-color': def.color } as React.CSSProperties}>
              <button
                type="button"
                className="palette-add"
                draggable={!disabled}
                disabled={disabled}
                onDragStart={(e) => onDragStart(e, def.type)}
                onClick={() => onAdd(def.type)}
                data-node-type={def.type}
                title={`${def.description} Click to add, or drag onto the canvas.`}
              >
                <span className="palette-icon">
                  <NodeIcon icon={def.icon} />
                </span>
                <span className="palette-text">
                  <span className="palette-label">{def.label}</span>
                  <span className="palette-desc">{def.description}</span>
                </span>
              </button>
              <button
                type="button"
                className={starred ? 'star on' : 'star'}
                aria-pressed={starred}
                aria-label={starred ? `Unstar ${def.label}` : `Star ${def.label}`}
                onClick={() => toggle(def.type)}
              >
                <Star size={14} aria-hidden="true" fill={starred ? 'currentColor' : 'none'} />
              </button>
            </li>
          );
        })}
        {shown.length === 0 && <li className="muted palette-empty">No node matches.</li>}
      </ul>
    </aside>
  );
};
