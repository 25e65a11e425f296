import { useCallback, useEffect, useRef, useState, type ChangeEvent, type SubmitEvent } from 'react';
import { Link, useLocation } from 'wouter';
import type { FolderDto, TagDto } from '#shared/api/home.ts';
import type { UserDto, WorkflowDto } from '#shared/api/index.ts';
import type { WorkflowSort } from '#shared/api/workflow-list.ts';
import { fieldText } from '../ui/form.ts';
import { api, ApiError } from '../api/client.ts';
import { useLiveExecutions } from '../live/live-feed.ts';
import { ReceivedInvitations } from '../pages/invitations.tsx';
import { TopBar } from '../pages/topbar.tsx';
import { appRoutes } from '../app-routes.ts';
import { BulkBar } from './bulk-bar.tsx';
import { FolderSidebar } from './folder-sidebar.tsx';
import { errorText, useDebounced, useWorkflowList, type ListFilter } from './list-data.ts';
import { useListKeys } from './list-keys.ts';
import { TagBar } from './tag-bar.tsx';
import { WorkflowRow, type RowActions } from './workflow-row.tsx';
import './home.css';

const download = (name: string, data: unknown): void => {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name.replace(/[^\w.-]+/g, '_')}.weft.json`;
  a.click();
  URL.revokeObjectURL(url);
};

const sorts: { value: WorkflowSort; label: string }[] = [
  { value: 'updated', label: 'Last changed' },
  { value: 'name', label: 'Name' },
  { value: 'lastRun', label: 'Last run' },
  { value: 'failures', label: 'Most failures (7 d)' },
];

/**
 * The home page: every workflow one may open, searched, sorted and filtered on the server
 * (docs/plans/home-insights.md §2), a page at a time, with who is in each one now from the live feed.
 */
export const HomePage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [, navigate] = useLocation();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<WorkflowSort>('updated');
  const [chosenTags, setChosenTags] = useState<string[]>([]);
  const [folder, setFolder] = useState<string>();
  const [tags, setTags] = useState<TagDto[]>([]);
  const [folders, setFolders] = useState<FolderDto[]>([]);
  const q = useDebounced(search, 250);
  const filter: ListFilter = { q, sort, tags: chosenTags, folder };
  const { rows, loading, hasMore, loadMore, reload, patchRow, noteRuns } = useWorkflowList(filter, setError);
  // Runs change the rows' last run as they start and end. The feed's first snapshot needs no reload (the list
  // was just read); a later resync (a reconnect, an overflow) may have missed changes, so the list is read again.
  const synced = useRef(false);
  useLiveExecutions({
    changes: (news) => noteRuns(news.executions),
    resync: () => {
      if (synced.current) reload();
      synced.current = true;
    },
  });
  const searchBox = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const keys = useListKeys(rows ?? [], listRef, searchBox);

  const reloadTags = useCallback(() => {
    api<{ tags: TagDto[] }>('GET', '/api/tags').then(
      (r) => setTags(r.tags),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  const reloadFolders = useCallback(() => {
    api<{ folders: FolderDto[] }>('GET', '/api/folders').then(
      (r) => setFolders(r.folders),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  useEffect(reloadTags, [reloadTags]);
  useEffect(reloadFolders, [reloadFolders]);
  const reloadAll = () => {
    reload();
    reloadTags();
  };

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = fieldText(form, 'name').trim();
    try {
      const created = await api<WorkflowDto>('POST', '/api/workflows', { name: name || 'Untitled workflow' });
      form.reset();
      navigate(`/w/${created.id}`);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setError(undefined);
    setNotice(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setError(`${file.name} is not a JSON file.`);
      return;
    }
    try {
      const created = await api<WorkflowDto & { warnings: { message: string }[] }>(
        'POST',
        '/api/workflows/import',
        parsed,
      );
      const warnings = created.warnings.map((w) => w.message);
      setNotice([`Imported "${created.name}".`, ...warnings].join('\n'));
      reload();
    } catch (e) {
      const problems = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setError(problems.length > 0 ? [`${file.name} could not be imported:`, ...problems].join('\n') : errorText(e));
    }
  };

  const actions: RowActions = {
    select: keys.select,
    open: (id) => navigate(`/w/${id}`),
    move: keys.move,
    patch: patchRow,
    error: setError,
    rename: (w) => {
      const name = window.prompt('New name', w.name)?.trim();
      if (!name || name === w.name) return;
      api('PATCH', `/api/workflows/${w.id}`, { name }).then(
        () => patchRow(w.id, { name }),
        (e: unknown) => setError(errorText(e)),
      );
    },
    exportOne: (w) => {
      api('GET', `/api/workflows/${w.id}/export`).then(
        (data) => download(w.name, data),
        (e: unknown) => setError(errorText(e)),
      );
    },
    remove: (w) => {
      if (!window.confirm(`Delete "${w.name}" for everyone? This cannot be undone.`)) return;
      api('DELETE', `/api/workflows/${w.id}`).then(reloadAll, (e: unknown) => setError(errorText(e)));
    },
  };

  const folderNames = new Map(folders.map((f) => [f.id, f.name]));
  const filtered = q.trim() !== '' || chosenTags.length > 0 || folder !== undefined;
  return (
    <div className="shell home-page">
      <TopBar user={user} onSignOut={onSignOut} />
      <form className="row" onSubmit={(e) => void create(e)} style={{ marginBottom: 16 }}>
        <input name="name" placeholder="New workflow name" aria-label="New workflow name" maxLength={200} />
        <button className="primary" type="submit">
          Create
        </button>
        <label className="row" style={{ width: 'auto', cursor: 'pointer' }}>
          <span className="badge">Import JSON</span>
          <input type="file" accept="application/json,.json" hidden onChange={(e) => void importFile(e)} />
        </label>
        <Link href={appRoutes.templates} className="badge">
          From template
        </Link>
      </form>
      {error && (
        <p className="error" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}{' '}
          <button type="button" className="link" onClick={() => setError(undefined)}>
            Dismiss
          </button>
        </p>
      )}
      {notice && (
        <p className="notice" role="status" style={{ whiteSpace: 'pre-line' }}>
          {notice}
        </p>
      )}
      <ReceivedInvitations onAccepted={reload} />
      <div className="home-layout">
        <FolderSidebar
          folders={folders}
          current={folder}
          onChoose={setFolder}
          onChanged={() => {
            reloadFolders();
            reload();
          }}
          onError={setError}
        />
        <section className="home-main" aria-label="Workflow list">
          <div className="home-toolbar">
            <input
              ref={searchBox}
              type="search"
              placeholder="Search names, node types, tags  ( / )"
              aria-label="Search workflows"
              value={search}
              maxLength={200}
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  keys.focusFirst();
                }
              }}
            />
            <label className="home-sort">
              Sort
              <select aria-label="Sort by" value={sort} onChange={(e) => setSort(e.target.value as WorkflowSort)}>
                {sorts.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <TagBar
            tags={tags}
            chosen={chosenTags}
            onToggle={(id) => setChosenTags((now) => (now.includes(id) ? now.filter((t) => t !== id) : [...now, id]))}
            onChanged={reloadAll}
            onError={setError}
          />
          <BulkBar
            selected={keys.selected}
            rows={rows ?? []}
            folders={folders}
            onClear={keys.clear}
            onDone={() => {
              keys.clear();
              reloadAll();
            }}
            onError={setError}
          />
          {rows === undefined ? (
            <p className="muted">Loading…</p>
          ) : rows.length === 0 ? (
            <p className="muted">
              {filtered ? 'No workflow matches.' : 'No workflows yet. Create one above or import a JSON file.'}
            </p>
          ) : (
            <ul className="list home-list" aria-label="Workflows" ref={listRef}>
              {rows.map((w) => (
                <WorkflowRow
                  key={w.id}
                  w={w}
                  selected={keys.selected.has(w.id)}
                  folderName={w.folderId ? folderNames.get(w.folderId) : undefined}
                  actions={actions}
                />
              ))}
            </ul>
          )}
          {hasMore && (
            <button type="button" className="home-more" disabled={loading} onClick={loadMore}>
              {loading ? 'Loading…' : 'Load more'}
            </button>
          )}
        </section>
      </div>
    </div>
  );
};
