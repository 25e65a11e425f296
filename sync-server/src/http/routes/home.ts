import * as routes from '#shared/api/routes/home.ts';
import type { TagDto } from '#shared/api/home.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { createId, ID_PATTERN } from '#shared/ids.ts';
import type { User } from '../../accounts/account-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { TagRow } from '../../workflows/workflow-catalog.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { contractRoutes, implement } from './contract-routes.ts';

const checkedId = (raw: string, what: string): string => {
  if (!ID_PATTERN.test(raw)) throw new UserError(ErrorCodes.notFound, `No such ${what}`);
  return raw;
};

/** A tag's maker and the admins manage it: a rename or delete changes every workflow that carries it. */
const mayManage = (tag: TagRow, user: User): boolean => user.isAdmin || tag.createdBy === user.id;

/**
 * Tags and per-person folders for the workflow list (docs/plans/home-insights.md §2). Who may do what:
 * anyone signed in creates a tag; its maker or an admin renames or deletes it; a workflow's editors tag and
 * untag it; everyone sees the tags of the workflows they may read. Folders are their owner's alone: another
 * person's folder is answered as no folder (404), never as forbidden.
 */
export const homeRoutes = ({ store }: { store: WorkflowStore }) => {
  const catalog = store.catalog;
  /** The tag, if the caller can see it (as the list of tags shows it); 404 otherwise. */
  const visibleTag = async (raw: string, user: User): Promise<TagDto> => {
    const id = checkedId(raw, 'tag');
    const tag = (await catalog.listTags(user.id, user.isAdmin)).find((t) => t.id === id);
    if (!tag) throw new UserError(ErrorCodes.notFound, 'No such tag');
    return { ...tag, mayManage: mayManage(tag, user) };
  };
  const managedTag = async (raw: string, user: User): Promise<TagDto> => {
    const tag = await visibleTag(raw, user);
    if (!tag.mayManage) throw new UserError(ErrorCodes.forbidden, 'Only the tag’s maker or an admin may change it');
    return tag;
  };
  return contractRoutes('/api', [
    implement(routes.listTags, async (_c, { user }, reply) =>
      reply(200, {
        tags: (await catalog.listTags(user.id, user.isAdmin)).map((t) => ({ ...t, mayManage: mayManage(t, user) })),
      }),
    ),
    implement(routes.createTag, async (_c, { user, body }, reply) => {
      const { name } = await body();
      const tag = await catalog.createTag({ id: createId(), name, createdBy: user.id, createdAt: Date.now() });
      return reply(201, { ...tag, workflows: 0, mayManage: true });
    }),
    implement(routes.renameTag, async (_c, { user, params, body }, reply) => {
      const tag = await managedTag(params.id, user);
      const { name } = await body();
      await catalog.renameTag(tag.id, name);
      return reply(200, { ...tag, name });
    }),
    implement(routes.deleteTag, async (_c, { user, params }, reply) => {
      const tag = await managedTag(params.id, user);
      await catalog.deleteTag(tag.id);
      return reply(204);
    }),
    implement(routes.tagWorkflow, async (_c, { user, params, body }, reply) => {
      const id = checkedId(params.id, 'workflow');
      await requireAccess(store, id, user, 'edit');
      const { name } = await body();
      let tag = await catalog.tagByName(name);
      if (!tag) {
        try {
          tag = await catalog.createTag({ id: createId(), name, createdBy: user.id, createdAt: Date.now() });
        } catch (error) {
          // Another request made it meanwhile: use theirs.
          tag = await catalog.tagByName(name);
          if (!tag) throw error;
        }
      }
      await catalog.tagWorkflow(id, tag.id);
      return reply(200, { id: tag.id, name: tag.name });
    }),
    implement(routes.untagWorkflow, async (_c, { user, params }, reply) => {
      const id = checkedId(params.id, 'workflow');
      await requireAccess(store, id, user, 'edit');
      if (!(await catalog.untagWorkflow(id, checkedId(params.tagId, 'tag')))) {
        throw new UserError(ErrorCodes.notFound, 'The workflow has no such tag');
      }
      return reply(204);
    }),
    implement(routes.listFolders, async (_c, { user }, reply) =>
      reply(200, {
        folders: (await catalog.listFolders(user.id)).map(({ id, parentId, name, createdAt }) => ({
          id,
          parentId,
          name,
          createdAt,
        })),
      }),
    ),
    implement(routes.createFolder, async (_c, { user, body }, reply) => {
      const { name, parentId = null } = await body();
      const folder = await catalog.createFolder({
        id: createId(),
        ownerId: user.id,
        parentId,
        name,
        createdAt: Date.now(),
      });
      return reply(201, { id: folder.id, parentId: folder.parentId, name: folder.name, createdAt: folder.createdAt });
    }),
    implement(routes.updateFolder, async (_c, { user, params, body }, reply) => {
      const folder = await catalog.updateFolder(user.id, checkedId(params.id, 'folder'), await body());
      return reply(200, { id: folder.id, parentId: folder.parentId, name: folder.name, createdAt: folder.createdAt });
    }),
    implement(routes.deleteFolder, async (_c, { user, params }, reply) => {
      if (!(await catalog.deleteFolder(user.id, checkedId(params.id, 'folder')))) {
        throw new UserError(ErrorCodes.notFound, 'No such folder');
      }
      return reply(204);
    }),
    implement(routes.fileWorkflow, async (_c, { user, params, body }, reply) => {
      const id = checkedId(params.id, 'workflow');
      await requireAccess(store, id, user, 'read');
      const { folderId } = await body();
      await catalog.fileWorkflow(user.id, id, folderId);
      return reply(200, { folderId });
    }),
  ]);
};
