import type { FolderDto } from '#shared/api/home.ts';
import { api } from '../api/client.ts';
import { errorText } from './list-data.ts';

/** Folders in tree order with their depth (a parent that is gone puts its child at the top). */
const tree = (folders: readonly FolderDto[]): { folder: FolderDto; depth: number }[] => {
  const ids = new Set(folders.map((f) => f.id));
  const children = new Map<string | null, FolderDto[]>();
  for (const f of folders) {
    const parent = f.parentId !== null && ids.has(f.parentId) ? f.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), f]);
  }
  const out: { folder: FolderDto; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const folder of children.get(parent) ?? []) {
      out.push({ folder, depth });
      walk(folder.id, depth + 1);
    }
  };
  walk(null, 0);
  // Folders no walk from the top reaches (a loop in the stored tree) are shown at the top, so they can be moved.
  const shown = new Set(out.map((o) => o.folder.id));
  for (const folder of folders) if (!shown.has(folder.id)) out.push({ folder, depth: 0 });
  return out;
};

/**
 * The person's own folders (nobody else sees them: sharing stays per workflow). Choosing one lists the
 * workflows filed in it; workflows are filed from the selection's "Move to folder".
 */
export const FolderSidebar = ({
  folders,
  current,
  onChoose,
  onChanged,
  onError,
}: {
  folders: readonly FolderDto[];
  current: string | undefined;
  onChoose: (id: string | undefined) => void;
  onChanged: () => void;
  onError: (message: string) => void;
}) => {
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      onChanged();
    } catch (e) {
      onError(errorText(e));
    }
  };
  const create = (parentId: string | null) => {
    const name = window.prompt(parentId ? 'New sub-folder' : 'New folder')?.trim();
    if (name) void run(() => api('POST', '/api/folders', { name, parentId }));
  };
  const rename = (f: FolderDto) => {
    const name = window.prompt('Rename the folder', f.name)?.trim();
    if (name && name !== f.name) void run(() => api('PATCH', `/api/folders/${f.id}`, { name }));
  };
  const remove = (f: FolderDto) => {
    if (!window.confirm(`Delete the folder “${f.name}”? Its workflows stay; they are only no longer filed.`)) return;
    if (current === f.id) onChoose(undefined);
    void run(() => api('DELETE', `/api/folders/${f.id}`));
  };
  return (
    <nav className="home-folders" aria-label="Folders">
      <button type="button" className={current === undefined ? 'on' : ''} onClick={() => onChoose(undefined)}>
        All workflows
      </button>
      {tree(folders).map(({ folder, depth }) => (
        <div key={folder.id} className="home-folder" style={{ paddingLeft: depth * 12 }}>
          <button
            type="button"
            className={current === folder.id ? 'on' : ''}
            aria-current={current === folder.id}
            onClick={() => onChoose(folder.id)}
          >
            {folder.name}
          </button>
          <span className="home-folder-tools">
            <button
              type="button"
              className="link"
              aria-label={`New folder in ${folder.name}`}
              onClick={() => create(folder.id)}
            >
              +
            </button>
            <button
              type="button"
              className="link"
              aria-label={`Rename folder ${folder.name}`}
              onClick={() => rename(folder)}
            >
              ✎
            </button>
            <button
              type="button"
              className="link"
              aria-label={`Delete folder ${folder.name}`}
              onClick={() => remove(folder)}
            >
              ✕
            </button>
          </span>
        </div>
      ))}
      <button type="button" className="link" onClick={() => create(null)}>
        New folder
      </button>
      <p className="muted home-folders-note">Your folders are yours alone.</p>
    </nav>
  );
};
