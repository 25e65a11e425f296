import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

interface WorkflowOption {
  id: string;
  name: string;
}

/** Options shown at once; a search reads this many matches from the server. */
const PAGE = 50;
const SEARCH_DELAY_MS = 200;

/**
 * Chooses one workflow among however many the person may read: a select of
 * the first ones by name, narrowed by a search the server answers (`q` matches
 * names, node types and tags), so an instance with thousands still finds any.
 * The chosen one stays an option while the search shows others.
 */
export const WorkflowPicker = ({ value, onChange }: { value: string; onChange: (workflowId: string) => void }) => {
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<WorkflowOption[]>([]);
  const [chosen, setChosen] = useState<WorkflowOption | undefined>();

  useEffect(() => {
    let live = true;
    const timer = setTimeout(
      () => {
        const q = query.trim();
        const path = `/api/workflows?limit=${PAGE}&sort=name${q ? `&q=${encodeURIComponent(q)}` : ''}`;
        api<{ workflows: WorkflowOption[] }>('GET', path).then(
          (r) => {
            if (live) setOptions([...r.workflows].sort((a, b) => a.name.localeCompare(b.name)));
          },
          () => undefined,
        );
      },
      query ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const shown =
    chosen && value === chosen.id && !options.some((o) => o.id === chosen.id) ? [chosen, ...options] : options;
  return (
    <span className="workflow-picker">
      <input
        type="search"
        aria-label="Find a workflow"
        placeholder="Find a workflow…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <select
        aria-label="Workflow"
        value={value}
        onChange={(e) => {
          setChosen(shown.find((o) => o.id === e.target.value));
          onChange(e.target.value);
        }}
      >
        <option value="">Every workflow</option>
        {shown.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </span>
  );
};
