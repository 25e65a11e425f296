import { useState } from 'react';
import type { TagDto } from '#shared/api/home.ts';
import { api } from '../api/client.ts';
import { errorText } from './list-data.ts';

/**
 * The tags as filter chips (every chosen one must match), and their management: anyone creates a tag; its
 * maker or an admin renames or deletes it (the server says which, `mayManage`).
 */
export const TagBar = ({
  tags,
  chosen,
  onToggle,
  onChanged,
  onError,
}: {
  tags: readonly TagDto[];
  chosen: readonly string[];
  onToggle: (id: string) => void;
  onChanged: () => void;
  onError: (message: string) => void;
}) => {
  const [managing, setManaging] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      onChanged();
    } catch (e) {
      onError(errorText(e));
    }
  };
  const create = () => {
    const name = window.prompt('New tag')?.trim();
    if (name) void run(() => api('POST', '/api/tags', { name }));
  };
  const rename = (tag: TagDto) => {
    const name = window.prompt('Rename the tag (everywhere it is used)', tag.name)?.trim();
    if (name && name !== tag.name) void run(() => api('PATCH', `/api/tags/${tag.id}`, { name }));
  };
  const remove = (tag: TagDto) => {
    if (window.confirm(`Delete the tag “${tag.name}” from every workflow?`)) {
      void run(() => api('DELETE', `/api/tags/${tag.id}`));
    }
  };
  return (
    <div className="home-tags" role="group" aria-label="Filter by tag">
      {tags.map((tag) => (
        <span key={tag.id} className="home-tag-chip">
          <button
            type="button"
            className={chosen.includes(tag.id) ? 'badge home-tag on' : 'badge home-tag'}
            aria-pressed={chosen.includes(tag.id)}
            onClick={() => onToggle(tag.id)}
          >
            {tag.name} <span className="muted">{tag.workflows}</span>
          </button>
          {managing && tag.mayManage && (
            <>
              <button type="button" className="link" aria-label={`Rename tag ${tag.name}`} onClick={() => rename(tag)}>
                ✎
              </button>
              <button type="button" className="link" aria-label={`Delete tag ${tag.name}`} onClick={() => remove(tag)}>
                ✕
              </button>
            </>
          )}
        </span>
      ))}
      <button type="button" className="link" aria-expanded={managing} onClick={() => setManaging(!managing)}>
        {managing ? 'Done' : 'Manage tags'}
      </button>
      {managing && (
        <button type="button" className="link" onClick={create}>
          New tag
        </button>
      )}
    </div>
  );
};
