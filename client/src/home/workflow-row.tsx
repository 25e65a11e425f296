import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Link } from 'wouter';
import type { WorkflowDto } from '#shared/api/index.ts';
import { api } from '../api/client.ts';
import { Members } from '../pages/members-panel.tsx';
import { ago, LastRun } from './last-run.tsx';
import { errorText } from './list-data.ts';
import { LiveAvatars, MemberAvatars } from './people.tsx';

export interface RowActions {
  /** Space or a click on the box; a Shift+click selects the range from the last one. */
  select(id: string, range: boolean): void;
  open(id: string): void;
  rename(w: WorkflowDto): void;
  exportOne(w: WorkflowDto): void;
  remove(w: WorkflowDto): void;
  patch(id: string, patch: Partial<WorkflowDto>): void;
  error(message: string): void;
  move(from: string, by: 1 | -1): void;
}

/** The Active switch: the activate/deactivate routes, their refusals (409: not published, a path taken) shown. */
const ActiveSwitch = ({ w, actions }: { w: WorkflowDto; actions: RowActions }) => {
  const [busy, setBusy] = useState(false);
  const mayChange = w.role === 'owner' || w.role === 'editor';
  const toggle = async () => {
    setBusy(true);
    try {
      const answer = await api<{ active: boolean; publishedHash: string | null }>(
        'POST',
        `/api/workflows/${w.id}/${w.active ? 'deactivate' : 'activate'}`,
      );
      actions.patch(w.id, { active: answer.active, publishedHash: answer.publishedHash });
    } catch (e) {
      actions.error(`${w.name}: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <label className="home-switch" title={mayChange ? undefined : 'Only editors and owners turn it on or off'}>
      <input
        type="checkbox"
        role="switch"
        aria-label={`Active: ${w.name}`}
        checked={w.active}
        disabled={!mayChange || busy}
        onChange={() => void toggle()}
      />
      <span>{w.active ? 'Active' : 'Inactive'}</span>
    </label>
  );
};

export const WorkflowRow = ({
  w,
  selected,
  folderName,
  actions,
}: {
  w: WorkflowDto;
  selected: boolean;
  /** The caller's folder it is filed in, if any. */
  folderName: string | undefined;
  actions: RowActions;
}) => {
  const [membersOpen, setMembersOpen] = useState(false);
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    const target = event.target as HTMLElement;
    // Arrows move between rows from anywhere in one but a field; Enter and Space act on the row itself only,
    // so its buttons and switch keep their meaning.
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !target.closest('input, select, textarea')) {
      event.preventDefault();
      actions.move(w.id, event.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    if (target !== event.currentTarget) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      actions.open(w.id);
    } else if (event.key === ' ') {
      event.preventDefault();
      actions.select(w.id, event.shiftKey);
    }
  };
  const onBoxClick = (event: MouseEvent<HTMLInputElement>) => {
    event.preventDefault();
    actions.select(w.id, event.shiftKey);
  };
  const owner = w.owner ?? undefined;
  return (
    <li
      className={selected ? 'workflow-row home-row selected' : 'workflow-row home-row'}
      data-workflow-id={w.id}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <input
        type="checkbox"
        className="home-select"
        aria-label={`Select ${w.name}`}
        checked={selected}
        onClick={onBoxClick}
        onChange={() => undefined}
        tabIndex={-1}
      />
      <span className="home-name-cell">
        <span className="home-name">
          <Link href={`/w/${w.id}`}>{w.name}</Link>
          {(w.tags ?? []).map((t) => (
            <span key={t.id} className="badge home-tag">
              {t.name}
            </span>
          ))}
        </span>
        <span className="muted home-updated" title={new Date(w.updatedAt).toLocaleString()}>
          changed {ago(w.updatedAt)}
          {folderName !== undefined && ` · in ${folderName}`}
        </span>
      </span>
      <span className="badge">{w.role}</span>
      <LastRun lastRun={w.lastRun} failures7d={w.failures7d} />
      <LiveAvatars workflowId={w.id} />
      <MemberAvatars members={w.members ?? []} count={w.memberCount ?? 0} ownerId={owner?.id} />
      <ActiveSwitch w={w} actions={actions} />
      <span className="home-actions">
        {w.role !== 'viewer' && w.role !== 'commenter' && (
          <button type="button" onClick={() => actions.rename(w)}>
            Rename
          </button>
        )}
        <button type="button" onClick={() => actions.exportOne(w)}>
          Export
        </button>
        <button
          type="button"
          aria-expanded={membersOpen}
          aria-label={`Members of ${w.name}`}
          onClick={() => setMembersOpen(!membersOpen)}
        >
          Members
        </button>
        {w.role === 'owner' && (
          <button type="button" className="danger" onClick={() => actions.remove(w)}>
            Delete
          </button>
        )}
      </span>
      {membersOpen && (
        <div className="workflow-members">
          <Members workflow={w} />
        </div>
      )}
    </li>
  );
};
