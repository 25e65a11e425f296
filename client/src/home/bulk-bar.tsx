import type { FolderDto } from '#shared/api/home.ts';
import type { WorkflowDto } from '#shared/api/index.ts';
import { api } from '../api/client.ts';
import { errorText } from './list-data.ts';

const downloadAll = (data: unknown): void => {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `weft-workflows-${new Date().toISOString().slice(0, 10)}.json`;
  a.click();
  URL.revokeObjectURL(url);
};

/**
 * What to do with the selected rows: tag them, file them in a folder of one's own, export them as one JSON
 * file, delete them (after a confirm naming how many). Each goes through the per-workflow routes, so each
 * keeps its own access check; the ones refused are named.
 */
export const BulkBar = ({
  selected,
  rows,
  folders,
  onClear,
  onDone,
  onError,
}: {
  selected: ReadonlySet<string>;
  rows: readonly WorkflowDto[];
  folders: readonly FolderDto[];
  onClear: () => void;
  onDone: () => void;
  onError: (message: string) => void;
}) => {
  if (selected.size === 0) return null;
  const chosen = rows.filter((w) => selected.has(w.id));
  const each = async (work: (w: WorkflowDto) => Promise<unknown>) => {
    const failed: string[] = [];
    for (const w of chosen) {
      try {
        await work(w);
      } catch (e) {
        failed.push(`${w.name}: ${errorText(e)}`);
      }
    }
    if (failed.length > 0) onError(failed.join('\n'));
    onDone();
  };
  const tag = () => {
    const name = window.prompt(`Tag ${chosen.length} workflow${chosen.length === 1 ? '' : 's'} with`)?.trim();
    if (name) void each((w) => api('POST', `/api/workflows/${w.id}/tags`, { name }));
  };
  const file = (folderId: string) =>
    void each((w) => api('PUT', `/api/workflows/${w.id}/folder`, { folderId: folderId === '' ? null : folderId }));
  const exportAll = async () => {
    const workflows: unknown[] = [];
    const failed: string[] = [];
    for (const w of chosen) {
      try {
        workflows.push(await api('GET', `/api/workflows/${w.id}/export`));
      } catch (e) {
        failed.push(`${w.name}: ${errorText(e)}`);
      }
    }
    downloadAll(workflows);
    if (failed.length > 0) onError(failed.join('\n'));
  };
  const remove = () => {
    const n = chosen.length;
    if (!window.confirm(`Delete ${n} workflow${n === 1 ? '' : 's'} for everyone? This cannot be undone.`)) return;
    void each((w) => api('DELETE', `/api/workflows/${w.id}`));
  };
  return (
    <div className="home-bulk" role="toolbar" aria-label="Selected workflows">
      <strong>{selected.size} selected</strong>
      <button type="button" onClick={tag}>
        Tag…
      </button>
      <select aria-label="Move to folder" value="-" onChange={(e) => file(e.target.value)}>
        <option value="-" disabled>
          Move to folder…
        </option>
        <option value="">No folder</option>
        {folders.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void exportAll()}>
        Export
      </button>
      <button type="button" className="danger" onClick={remove}>
        Delete
      </button>
      <button type="button" className="link" onClick={onClear}>
        Clear
      </button>
    </div>
  );
};
