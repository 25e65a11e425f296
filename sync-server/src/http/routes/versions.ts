import type { VersionDto } from '#shared/api/versions.ts';
import * as routes from '#shared/api/routes/versions.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import type { VersionStore } from '../../executions/version-store.ts';
import { VERSION_HASH, type HistoryEntry, type HistoryKind, type HistoryStore } from '../../history/history-store.ts';
import type { VersionHistory } from '../../history/version-history.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { EditPolicy } from '../../modes/edit-policy.ts';
import { requireChange } from '../../modes/require-change.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

const workflowId = (raw: string): string => {
  if (!ID_PATTERN.test(raw)) throw new UserError(ErrorCodes.notFound, `Workflow ${raw} does not exist`);
  return raw;
};

const versionRef = (id: string, raw: string): string => {
  if (!ID_PATTERN.test(raw) && !VERSION_HASH.test(raw)) {
    throw new UserError(ErrorCodes.notFound, `Workflow ${id} has no version ${raw}`);
  }
  return raw;
};

/** Author ids with their names, read once per answer (null: the account is gone). */
const authorNames = (accounts: AccountStore) => {
  const names = new Map<string, Promise<string | null>>();
  return (ids: readonly string[]): Promise<{ id: string; name: string | null }[]> =>
    Promise.all(
      ids.map(async (id) => {
        let name = names.get(id);
        if (!name) {
          name = accounts.getUser(id).then((user) => user?.name ?? null);
          names.set(id, name);
        }
        return { id, name: await name };
      }),
    );
};

/** A workflow's version history: list, name, read, restore and undo (docs/plans/collaboration.md §7.2). */
export const versionRoutes = (deps: {
  workflows: WorkflowStore;
  accounts: AccountStore;
  versions: VersionStore;
  history: HistoryStore;
  service: VersionHistory;
  /** Restores change the document: they follow the edit mode (423 while locked or without the pen). */
  policy: EditPolicy;
}) => {
  const dto = async (entry: HistoryEntry, names: ReturnType<typeof authorNames>): Promise<VersionDto> => ({
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    createdAt: entry.createdAt,
    createdBy: entry.createdBy,
    authors: await names(entry.authors),
    hash: entry.versionHash,
  });
  return contractRoutes('/api/workflows', [
    implement(routes.listVersions, async (_c, { user, params, query }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(deps.workflows, id, user, 'read');
      const [at, after] = query.cursor ? query.cursor.split(':') : [];
      const entries = await deps.history.list(id, {
        limit: query.limit,
        cursor: at && after ? { createdAt: Number(at), id: after } : undefined,
        kinds: query.kinds ? (query.kinds.split(',') as HistoryKind[]) : undefined,
      });
      const names = authorNames(deps.accounts);
      const last = entries.length === query.limit ? entries.at(-1) : undefined;
      return reply(200, {
        versions: await Promise.all(entries.map((e) => dto(e, names))),
        nextCursor: last ? `${last.createdAt}:${last.id}` : null,
      });
    }),
    implement(routes.createVersion, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(deps.workflows, id, user, 'edit');
      const { name } = await body();
      const entry = await deps.service.name(id, user.id, name);
      await audit(c, user, {
        action: 'version.named',
        workflowId: id,
        target: { type: 'version', id: entry.id },
        data: { name },
      });
      const { createdBy: _, ...version } = await dto(entry, authorNames(deps.accounts));
      return reply(201, { ...version, kind: 'named', name });
    }),
    implement(routes.renameVersion, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(deps.workflows, id, user, 'edit');
      const ref = versionRef(id, params.versionId);
      const { name } = await body();
      const entry = VERSION_HASH.test(ref) ? undefined : await deps.history.rename(id, ref, name);
      if (!entry) throw new UserError(ErrorCodes.notFound, `Workflow ${id} has no version ${ref}`);
      await audit(c, user, {
        action: 'version.named',
        workflowId: id,
        target: { type: 'version', id: entry.id },
        data: { name },
      });
      return reply(200, await dto(entry, authorNames(deps.accounts)));
    }),
    implement(routes.getVersion, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(deps.workflows, id, user, 'read');
      const ref = versionRef(id, params.ref);
      const entry = await deps.history.get(id, ref);
      // A hash no entry names is still a version (what a run ran), as long as it is this workflow's.
      const version = await deps.versions.get(entry?.versionHash ?? ref);
      if (version?.workflowId !== id) throw new UserError(ErrorCodes.notFound, `Workflow ${id} has no version ${ref}`);
      const names = authorNames(deps.accounts);
      return reply(200, {
        id: entry?.id ?? null,
        hash: version.hash,
        name: entry?.name ?? null,
        kind: entry?.kind ?? null,
        createdAt: entry?.createdAt ?? version.createdAt,
        authors: await names(entry ? entry.authors : version.authorId ? [version.authorId] : []),
        definition: version.definition,
      });
    }),
    implement(routes.restoreVersion, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireChange(deps.policy, deps.workflows, id, user);
      const { target, entry, beforeHash, changes } = await deps.service.restore(
        id,
        user.id,
        versionRef(id, params.versionId),
      );
      await audit(c, user, {
        action: 'version.restored',
        workflowId: id,
        target: { type: 'version', id: target.id },
        data: { hash: target.versionHash, before: beforeHash, entry: entry.id },
      });
      return reply(200, {
        restored: { id: target.id, hash: target.versionHash },
        entry: { id: entry.id },
        before: { hash: beforeHash },
        changes,
      });
    }),
    implement(routes.undoRestore, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireChange(deps.policy, deps.workflows, id, user);
      const undone = await deps.service.undoRestore(id, user.id, versionRef(id, params.versionId));
      await audit(c, user, {
        action: 'version.restore_undone',
        workflowId: id,
        target: { type: 'version', id: params.versionId },
      });
      return reply(200, undone);
    }),
  ]);
};
