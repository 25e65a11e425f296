import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useAtom, useSetAtom } from 'jotai';
import type { VersionDto } from '#shared/api/versions.ts';
import type { WorkflowDto } from '#shared/api/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { mayEdit } from '../editor/roles.ts';
import { toastAtom } from '../state/atoms.ts';
import { SidePanel } from '../ui/side-panel.tsx';
import { ComparisonView } from './comparison-view.tsx';
import { authorNames, groupByDay, timeOf, versionTitle } from './format.ts';
import {
  historyErrorText,
  listVersions,
  nameVersion,
  renameVersion,
  restoreVersion,
  undoRestore,
} from './history-api.ts';
import { openedVersionAtom } from './opened-version.ts';
import { useVersionActions } from './use-version-actions.ts';
import { VersionView } from './version-view.tsx';
import './history.css';

/** Auto versions appear once nobody edited for a while; the list looks again this often while open. */
const REFRESH_MS = 30_000;

/** The name form names the workflow as it is now (no entry id looks like this). */
const NOW = ':now';

const KIND_LABEL: Record<VersionDto['kind'], string> = {
  auto: 'auto',
  named: 'named',
  publish: 'published',
  restore: 'restore',
};

/** An inline name field: naming the workflow as it is now, or an auto version after the fact. */
const NameForm = ({
  label,
  initial,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial: string;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}) => {
  const [name, setName] = useState(initial);
  return (
    <form
      className="version-name-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onSubmit(name.trim());
      }}
    >
      <input
        aria-label={label}
        value={name}
        maxLength={100}
        placeholder="e.g. before the CRM switch"
        // The form opens on a click that asks for it.
        autoFocus
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      />
      <button type="submit" className="primary" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
};

/**
 * The workflow's version history (docs/plans/collaboration.md §7.4): entries
 * by day with their authors; name the workflow as it is now or an auto
 * version; compare a version with the live workflow on the canvas, open it
 * read-only, restore it and undo a restore. Viewers and commenters list,
 * compare and open.
 */
export const HistoryPanel = ({ workflow, onClose }: { workflow: WorkflowDto; onClose: () => void }) => {
  const { diff } = useEditor();
  const setToast = useSetAtom(toastAtom);
  const canChange = mayEdit(workflow.role);
  const [versions, setVersions] = useState<VersionDto[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  /** What the name form is for: NOW, the id of an auto version, or nothing. */
  const [naming, setNaming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [undone, setUndone] = useState<ReadonlySet<string>>(new Set());
  const [opened, setOpened] = useAtom(openedVersionAtom);
  const shown = useVersionActions(workflow.id);
  const comparison = useSyncExternalStore(diff.subscribe, diff.comparison);
  const workflowId = workflow.id;

  // Bumped to read the list again: after each change made here, and every REFRESH_MS.
  const [reads, setReads] = useState(0);
  const reload = useCallback(() => setReads((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    listVersions(workflowId).then(
      (page) => {
        if (!live) return;
        setVersions(page.versions);
        setNextCursor(page.nextCursor);
        setLoaded(true);
      },
      (e: unknown) => {
        if (live) setError(historyErrorText(e, 'load the history'));
      },
    );
    return () => {
      live = false;
    };
  }, [workflowId, reads]);

  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await listVersions(workflowId, nextCursor);
      setVersions((v) => [...v, ...page.versions]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(historyErrorText(e, 'load the history'));
    }
  };

  /** Runs one request with the buttons off; its failure shows in the panel. */
  const run = async (doing: string, action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(historyErrorText(e, doing));
    } finally {
      setBusy(false);
    }
  };

  const undo = (entryId: string) =>
    run('undo the restore', async () => {
      const { changes } = await undoRestore(workflowId, entryId);
      setUndone((s) => new Set([...s, entryId]));
      setToast({ text: `Restore undone (${changes} change${changes === 1 ? '' : 's'}).`, kind: 'info' });
      reload();
    });

  const restore = (v: VersionDto) => {
    const title = versionTitle(v);
    const ok = window.confirm(
      `Restore ‘${title}’ for everyone?\n\nThe workflow goes back to this version. People editing now keep the edits they make from here on, and the current state is saved as a version first, so you can undo.`,
    );
    if (!ok) return;
    void run('restore this version', async () => {
      const result = await restoreVersion(workflowId, v.id);
      setToast({
        text: `Restored ‘${title}’.`,
        kind: 'info',
        action: { label: 'Undo', run: () => void undo(result.entry.id) },
      });
      reload();
    });
  };

  const compare = (v: VersionDto) => run('compare this version', () => shown.compare(v.id));

  const open = (v: VersionDto) => run('open this version', () => shown.open(v.id));

  const saveName = (name: string) =>
    run('name this version', async () => {
      if (naming === NOW) await nameVersion(workflowId, name);
      else if (naming) await renameVersion(workflowId, naming, name);
      setNaming(null);
      reload();
    });

  const groups = groupByDay(versions, new Date());
  return (
    <SidePanel label="Version history" title="History" closeLabel="Close history" onClose={onClose}>
      {error && (
        <p className="error history-error" role="alert">
          {error}
        </p>
      )}
      {opened && <VersionView version={opened} onClose={() => setOpened(null)} />}
      <ComparisonView />
      {canChange &&
        (naming === NOW ? (
          <NameForm
            label="Version name"
            initial=""
            onSubmit={(n) => void saveName(n)}
            onCancel={() => setNaming(null)}
          />
        ) : (
          <button type="button" className="primary history-name-now" disabled={busy} onClick={() => setNaming(NOW)}>
            Name this version
          </button>
        ))}
      {loaded && versions.length === 0 && (
        <p className="muted">
          No versions yet: one is saved once nobody has edited for a few minutes, or when you name one.
        </p>
      )}
      <div className="history-days">
        {groups.map((g) => (
          <section key={g.label} className="history-day" aria-label={g.label}>
            <h3>{g.label}</h3>
            <ul className="history-list">
              {g.versions.map((v) => {
                const title = versionTitle(v);
                const comparing = comparison?.version.id === v.id;
                return (
                  <li
                    key={v.id}
                    className={`history-entry kind-${v.kind}${comparing ? ' comparing' : ''}`}
                    data-testid="version"
                    data-kind={v.kind}
                    aria-label={title}
                  >
                    <div className="history-entry-head">
                      <span className="history-time">{timeOf(v.createdAt)}</span>
                      <span className="history-title">{title}</span>
                      <span className={`history-kind kind-${v.kind}`}>{KIND_LABEL[v.kind]}</span>
                    </div>
                    {v.authors.length > 0 && <div className="history-authors muted">{authorNames(v.authors)}</div>}
                    {naming === v.id ? (
                      <NameForm
                        label="New name"
                        initial={v.name ?? ''}
                        onSubmit={(n) => void saveName(n)}
                        onCancel={() => setNaming(null)}
                      />
                    ) : (
                      <div className="history-actions">
                        <button
                          type="button"
                          className="link-button"
                          disabled={busy}
                          aria-pressed={comparing}
                          onClick={() => (comparing ? diff.clear() : void compare(v))}
                        >
                          Compare with now
                        </button>
                        <button type="button" className="link-button" disabled={busy} onClick={() => void open(v)}>
                          Open
                        </button>
                        {canChange && v.kind === 'auto' && (
                          <button type="button" className="link-button" disabled={busy} onClick={() => setNaming(v.id)}>
                            Name
                          </button>
                        )}
                        {canChange && v.kind !== 'restore' && (
                          <button type="button" className="link-button" disabled={busy} onClick={() => restore(v)}>
                            Restore
                          </button>
                        )}
                        {canChange &&
                          v.kind === 'restore' &&
                          (undone.has(v.id) ? (
                            <span className="muted">Undone</span>
                          ) : (
                            <button
                              type="button"
                              className="link-button"
                              disabled={busy}
                              onClick={() => void undo(v.id)}
                            >
                              Undo restore
                            </button>
                          ))}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      {nextCursor && (
        <button type="button" onClick={() => void loadMore()}>
          Older versions
        </button>
      )}
    </SidePanel>
  );
};
