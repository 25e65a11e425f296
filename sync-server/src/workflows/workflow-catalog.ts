import { sql, type SQL } from 'drizzle-orm';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { WorkflowSort } from '#shared/api/workflow-list.ts';
import type { Role, WorkflowRow } from './workflow-store.ts';

/**
 * The workflow list's queries, tags and per-person folders (docs/plans/home-insights.md §2), written once in
 * the SQL both dialects share: the tables and columns have the same names, and the few functions that differ
 * come from the dialect. Both workflow stores delegate here.
 */

export interface CatalogDialect {
  /** Whether `text` occurs in `column`, ASCII case folded (as SQLite's lower folds). */
  contains(column: SQL, text: string): SQL;
  /** A string sorted by its ASCII-folded bytes, the same on both. */
  foldedOrder(column: SQL): SQL;
  /** Ids compared in byte order, as SQLite compares them. */
  idOrder(column: SQL): SQL;
  bool(value: boolean): SQL;
  /**
   * A column the planner must not pick an index for. SQLite otherwise reads a failure count through the status
   * index (every failed run of the instance, per workflow) instead of the workflow's runs by time.
   */
  unindexed(column: SQL): SQL;
  all<T>(query: SQL): Promise<T[]>;
  /** A write; answers how many rows it changed. */
  run(query: SQL): Promise<number>;
}

export interface ListOptions {
  q?: string | undefined;
  tags?: readonly string[] | undefined;
  folder?: string | undefined;
  active?: boolean | undefined;
  sort: WorkflowSort;
  after?: { key: number | string; id: string } | undefined;
  limit?: number | undefined;
  /** Failures are counted from this time on (now less 7 days). */
  failuresSince: number;
}

export interface ListedWorkflow extends WorkflowRow {
  role: Role;
  lastRun: { status: string; at: number } | null;
  failures7d: number;
  /** The sort's value for this row: what its cursor holds. */
  sortKey: number | string;
}

export interface TagRow {
  id: string;
  name: string;
  createdBy: string | null;
  createdAt: number;
}

/** Raw rows: PostgreSQL answers a bigint as a string. */
type Raw<T> = { [K in keyof T]: T[K] extends number ? number | string : T[K] };

export interface FolderRow {
  id: string;
  ownerId: string;
  parentId: string | null;
  name: string;
  createdAt: number;
}

export interface ListDetails {
  tags: Map<string, { id: string; name: string }[]>;
  /** Members in the order they were added, owners first. */
  members: Map<string, { id: string; name: string; role: Role }[]>;
  folders: Map<string, string>;
}

/** Extras are read for this many workflows per query (the whole list may be thousands). */
const DETAIL_CHUNK = 500;
/** A person's folders: enough to organise, bounded so the tree reads in one query. */
export const MAX_FOLDERS = 1_000;
/** Tags one person may make, and tags one workflow may carry: a row and the tag list stay small for everyone. */
export const MAX_TAGS_PER_PERSON = 1_000;
export const MAX_TAGS_PER_WORKFLOW = 50;

const tagTaken = (name: string): UserError => new UserError(ErrorCodes.conflict, `A tag named “${name}” exists`);

const inList = (ids: readonly string[]): SQL =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

interface RawListed {
  id: string;
  name: string;
  createdBy: string | null;
  createdAt: number | string;
  updatedAt: number | string;
  publishedHash: string | null;
  active: boolean | number;
  role: Role;
  lastRunStatus: string | null;
  lastRunAt: number | string | null;
  failures: number | string;
  sortKey: number | string;
}

/**
 * Whether walking up from `from` meets `target`. Each folder is visited once, so a loop in the stored tree (which
 * the checks above prevent, but a database edited by hand might hold) ends the walk instead of the process.
 */
/** Terms of one insert of node types (SQLite's limit on a compound select is 500). */
const NODE_TYPES_PER_INSERT = 400;

const reachesUp = (byId: ReadonlyMap<string, { parentId: string | null }>, from: string, target: string): boolean => {
  const seen = new Set<string>();
  for (let at: string | null = from; at !== null && !seen.has(at); at = byId.get(at)?.parentId ?? null) {
    if (at === target) return true;
    seen.add(at);
  }
  return false;
};

export class WorkflowCatalog {
  constructor(private readonly d: CatalogDialect) {}

  /** Failed runs of the workflow since then: a range of executions_workflow_idx, its status read per row. */
  private failures(workflowId: SQL, since: number): SQL {
    return sql`(select count(*) from executions e
      where e.workflow_id = ${workflowId} and e.created_at >= ${since} and ${this.d.unindexed(sql`e.status`)} = 'failed')`;
  }

  /**
   * Every workflow's failed runs since then, as `f (workflow_id, n)`: one read of the window's runs through
   * executions_created_idx, where a count per workflow would read each workflow's runs once per workflow.
   */
  private failureCounts(since: number): SQL {
    return sql`left join (
      select e.workflow_id, count(*) as n from executions e
      where e.created_at >= ${since} and ${this.d.unindexed(sql`e.status`)} = 'failed'
      group by e.workflow_id
    ) f on f.workflow_id = w.id`;
  }

  /** The sort's key: descending for every sort but name. */
  private sortKey(sort: WorkflowSort): SQL {
    switch (sort) {
      case 'updated':
        return sql`w.updated_at`;
      case 'name':
        return this.d.foldedOrder(sql`w.name`);
      case 'lastRun':
        // Never run sorts last; -1 is below every time.
        return sql`coalesce((select max(e.created_at) from executions e where e.workflow_id = w.id), -1)`;
      case 'failures':
        // Counted once for every workflow by the join below (the window's failed runs, read by time).
        return sql`coalesce(f.n, 0)`;
    }
  }

  /**
   * The workflows the user may read (every one for an admin) that match, in the sort's order then by id (byte
   * order), after `after`, at most `limit`.
   */
  async list(userId: string, isAdmin: boolean, options: ListOptions): Promise<ListedWorkflow[]> {
    const { q, tags = [], folder, active, sort, after, limit, failuresSince } = options;
    const d = this.d;
    const key = this.sortKey(sort);
    const filters: SQL[] = [];
    if (!isAdmin) filters.push(sql`m.user_id is not null`);
    if (q) {
      filters.push(
        sql`(${d.contains(sql`w.name`, q)}
          or exists (select 1 from workflow_node_types nt where nt.workflow_id = w.id and ${d.contains(sql`nt.type`, q)})
          or exists (select 1 from workflow_tags wt join tags t on t.id = wt.tag_id
                     where wt.workflow_id = w.id and ${d.contains(sql`t.name`, q)}))`,
      );
    }
    for (const tag of tags) {
      filters.push(sql`exists (select 1 from workflow_tags wt where wt.workflow_id = w.id and wt.tag_id = ${tag})`);
    }
    if (folder !== undefined) {
      filters.push(
        sql`exists (select 1 from folder_entries fe where fe.owner_id = ${userId} and fe.workflow_id = w.id and fe.folder_id = ${folder})`,
      );
    }
    if (active !== undefined) filters.push(sql`w.active = ${d.bool(active)}`);
    const where = filters.length > 0 ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
    const asc = sort === 'name';
    const resume = after
      ? sql`where (t."sortKey" ${asc ? sql`>` : sql`<`} ${after.key} or (t."sortKey" = ${after.key} and ${d.idOrder(sql`t.id`)} > ${after.id}))`
      : sql``;
    const order = asc ? sql`asc` : sql`desc`;
    // The page is chosen first (only its sort key computed per workflow); its last run and failures are read for
    // the rows of the page alone.
    const query = sql`
      select p.*,
        (select e.status from executions e where e.workflow_id = p.id order by e.created_at desc, e.id desc limit 1) as "lastRunStatus",
        (select max(e.created_at) from executions e where e.workflow_id = p.id) as "lastRunAt",
        ${this.failures(sql`p.id`, failuresSince)} as failures
      from (
        select * from (
          select w.id, w.name, w.created_by as "createdBy", w.created_at as "createdAt", w.updated_at as "updatedAt",
            w.published_hash as "publishedHash", w.active, coalesce(m.role, 'owner') as role, ${key} as "sortKey"
          from workflows w
          left join workflow_members m on m.workflow_id = w.id and m.user_id = ${userId}
          ${sort === 'failures' ? this.failureCounts(failuresSince) : sql``}
          ${where}
        ) t
        ${resume}
        order by t."sortKey" ${order}, ${d.idOrder(sql`t.id`)} asc
        ${limit === undefined ? sql`` : sql`limit ${limit}`}
      ) p
      order by p."sortKey" ${order}, ${d.idOrder(sql`p.id`)} asc`;
    const rows = await d.all<RawListed>(query);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.createdBy,
      createdAt: Number(r.createdAt),
      updatedAt: Number(r.updatedAt),
      publishedHash: r.publishedHash,
      active: Boolean(r.active),
      role: r.role,
      lastRun:
        r.lastRunStatus !== null && r.lastRunAt !== null ? { status: r.lastRunStatus, at: Number(r.lastRunAt) } : null,
      failures7d: Number(r.failures),
      sortKey: sort === 'name' ? String(r.sortKey) : Number(r.sortKey),
    }));
  }

  /** Tags, members and the user's folder of each of these workflows. */
  async details(userId: string, ids: readonly string[]): Promise<ListDetails> {
    const out: ListDetails = { tags: new Map(), members: new Map(), folders: new Map() };
    for (const part of chunks(ids, DETAIL_CHUNK)) {
      if (part.length === 0) continue;
      const list = inList(part);
      const tags = await this.d.all<{ workflowId: string; id: string; name: string }>(
        sql`select wt.workflow_id as "workflowId", t.id, t.name from workflow_tags wt join tags t on t.id = wt.tag_id
            where wt.workflow_id in (${list}) order by ${this.d.foldedOrder(sql`t.name`)}, ${this.d.idOrder(sql`t.id`)}`,
      );
      for (const t of tags)
        out.tags.set(t.workflowId, [...(out.tags.get(t.workflowId) ?? []), { id: t.id, name: t.name }]);
      const members = await this.d.all<{ workflowId: string; id: string; name: string; role: Role }>(
        sql`select m.workflow_id as "workflowId", u.id, u.name, m.role from workflow_members m join users u on u.id = m.user_id
            where m.workflow_id in (${list})
            order by case when m.role = 'owner' then 0 else 1 end, m.added_at, ${this.d.idOrder(sql`u.id`)}`,
      );
      for (const m of members) {
        out.members.set(m.workflowId, [
          ...(out.members.get(m.workflowId) ?? []),
          { id: m.id, name: m.name, role: m.role },
        ]);
      }
      const filed = await this.d.all<{ workflowId: string; folderId: string }>(
        sql`select workflow_id as "workflowId", folder_id as "folderId" from folder_entries
            where owner_id = ${userId} and workflow_id in (${list})`,
      );
      for (const f of filed) out.folders.set(f.workflowId, f.folderId);
    }
    return out;
  }

  async nodeTypes(workflowId: string): Promise<string[]> {
    const rows = await this.d.all<{ type: string }>(
      sql`select type from workflow_node_types where workflow_id = ${workflowId} order by type`,
    );
    return rows.map((r) => r.type);
  }

  /**
   * Makes the workflow's node types these: the ones gone deleted, the new ones added (a workflow deleted
   * meanwhile gets none: the insert finds no row). Two statements that each leave a set that is right for the
   * call that made it, so two instances writing the same final set agree whatever the interleaving.
   */
  async setNodeTypes(workflowId: string, types: readonly string[]): Promise<void> {
    if (types.length === 0) {
      await this.d.run(sql`delete from workflow_node_types where workflow_id = ${workflowId}`);
      return;
    }
    await this.d.run(
      sql`delete from workflow_node_types where workflow_id = ${workflowId} and type not in (${inList(types)})`,
    );
    // In chunks: SQLite refuses a compound select of more than 500 terms, and a document may name any types.
    for (let at = 0; at < types.length; at += NODE_TYPES_PER_INSERT) {
      const values = sql.join(
        types.slice(at, at + NODE_TYPES_PER_INSERT).map((t) => sql`select ${t} as type`),
        sql` union all `,
      );
      await this.d.run(
        sql`insert into workflow_node_types (workflow_id, type)
            select w.id, v.type from workflows w, (${values}) v where w.id = ${workflowId}
            on conflict do nothing`,
      );
    }
  }

  /** Tags on workflows the user may read (every tag for an admin), and the ones they made. */
  async listTags(userId: string, isAdmin: boolean): Promise<(TagRow & { workflows: number })[]> {
    const readable = isAdmin
      ? sql`1 = 1`
      : sql`exists (select 1 from workflow_members m where m.workflow_id = wt.workflow_id and m.user_id = ${userId})`;
    const rows = await this.d.all<Raw<TagRow> & { workflows: number | string }>(
      sql`select t.id, t.name, t.created_by as "createdBy", t.created_at as "createdAt",
            (select count(*) from workflow_tags wt where wt.tag_id = t.id and ${readable}) as workflows
          from tags t
          where t.created_by = ${userId} or ${isAdmin ? sql`1 = 1` : sql`1 = 0`}
            or exists (select 1 from workflow_tags wt where wt.tag_id = t.id and ${readable})
          order by ${this.d.foldedOrder(sql`t.name`)}, ${this.d.idOrder(sql`t.id`)}`,
    );
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt), workflows: Number(r.workflows) }));
  }

  async getTag(id: string): Promise<TagRow | undefined> {
    const [row] = await this.d.all<Raw<TagRow>>(
      sql`select id, name, created_by as "createdBy", created_at as "createdAt" from tags where id = ${id}`,
    );
    return row ? { ...row, createdAt: Number(row.createdAt) } : undefined;
  }

  /** The tag of this name in any ASCII case. */
  async tagByName(name: string): Promise<TagRow | undefined> {
    const [row] = await this.d.all<Raw<TagRow>>(
      sql`select id, name, created_by as "createdBy", created_at as "createdAt" from tags
          where ${this.d.foldedOrder(sql`name`)} = ${this.d.foldedOrder(sql`${name}`)} order by created_at limit 1`,
    );
    return row ? { ...row, createdAt: Number(row.createdAt) } : undefined;
  }

  /** A new tag; a name another tag has (any case) is a conflict. */
  async createTag(row: TagRow): Promise<TagRow> {
    if (await this.tagByName(row.name)) throw tagTaken(row.name);
    const [made] = await this.d.all<{ n: number | string }>(
      sql`select count(*) as n from tags where created_by = ${row.createdBy}`,
    );
    if (Number(made?.n ?? 0) >= MAX_TAGS_PER_PERSON) {
      throw new UserError(ErrorCodes.conflict, `A person makes at most ${MAX_TAGS_PER_PERSON} tags`);
    }
    const changed = await this.d.run(
      sql`insert into tags (id, name, created_by, created_at) values (${row.id}, ${row.name}, ${row.createdBy}, ${row.createdAt})
          on conflict do nothing`,
    );
    if (changed === 0) throw tagTaken(row.name);
    return row;
  }

  async renameTag(id: string, name: string): Promise<boolean> {
    const other = await this.tagByName(name);
    if (other && other.id !== id) throw tagTaken(name);
    return (await this.d.run(sql`update tags set name = ${name} where id = ${id}`)) > 0;
  }

  async deleteTag(id: string): Promise<boolean> {
    return (await this.d.run(sql`delete from tags where id = ${id}`)) > 0;
  }

  async tagWorkflow(workflowId: string, tagId: string): Promise<void> {
    const [carried] = await this.d.all<{ n: number | string }>(
      sql`select count(*) as n from workflow_tags where workflow_id = ${workflowId} and tag_id <> ${tagId}`,
    );
    if (Number(carried?.n ?? 0) >= MAX_TAGS_PER_WORKFLOW) {
      throw new UserError(ErrorCodes.conflict, `A workflow carries at most ${MAX_TAGS_PER_WORKFLOW} tags`);
    }
    await this.d.run(
      sql`insert into workflow_tags (workflow_id, tag_id) values (${workflowId}, ${tagId}) on conflict do nothing`,
    );
  }

  async untagWorkflow(workflowId: string, tagId: string): Promise<boolean> {
    return (
      (await this.d.run(sql`delete from workflow_tags where workflow_id = ${workflowId} and tag_id = ${tagId}`)) > 0
    );
  }

  async listFolders(ownerId: string): Promise<FolderRow[]> {
    const rows = await this.d.all<Raw<FolderRow>>(
      sql`select id, owner_id as "ownerId", parent_id as "parentId", name, created_at as "createdAt"
          from folders where owner_id = ${ownerId} order by ${this.d.foldedOrder(sql`name`)}, ${this.d.idOrder(sql`id`)}`,
    );
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt) }));
  }

  async createFolder(row: FolderRow): Promise<FolderRow> {
    const mine = await this.listFolders(row.ownerId);
    if (mine.length >= MAX_FOLDERS) {
      throw new UserError(ErrorCodes.conflict, `A person has at most ${MAX_FOLDERS} folders`);
    }
    if (row.parentId !== null && !mine.some((f) => f.id === row.parentId)) throw folderNotFound();
    await this.d.run(
      sql`insert into folders (id, owner_id, parent_id, name, created_at)
          values (${row.id}, ${row.ownerId}, ${row.parentId}, ${row.name}, ${row.createdAt})`,
    );
    return row;
  }

  /** Renames or moves one of the owner's folders; a folder cannot move into itself or below itself. */
  updateFolder(
    ownerId: string,
    id: string,
    patch: { name?: string | undefined; parentId?: string | null | undefined },
  ): Promise<FolderRow> {
    // One change of a person's tree at a time on this instance: two moves checked against the same tree could
    // otherwise each pass the cycle check and together make a cycle.
    const previous = this.folderWrites.get(ownerId) ?? Promise.resolve();
    const next = previous.then(
      () => this.moveFolder(ownerId, id, patch),
      () => this.moveFolder(ownerId, id, patch),
    );
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.folderWrites.set(ownerId, settled);
    void settled.then(() => {
      if (this.folderWrites.get(ownerId) === settled) this.folderWrites.delete(ownerId);
    });
    return next;
  }

  private readonly folderWrites = new Map<string, Promise<void>>();

  private async moveFolder(
    ownerId: string,
    id: string,
    patch: { name?: string | undefined; parentId?: string | null | undefined },
  ): Promise<FolderRow> {
    const mine = await this.listFolders(ownerId);
    const byId = new Map(mine.map((f) => [f.id, f]));
    const folder = byId.get(id);
    if (!folder) throw folderNotFound();
    if (patch.parentId !== undefined && patch.parentId !== null) {
      if (!byId.has(patch.parentId)) throw folderNotFound();
      if (reachesUp(byId, patch.parentId, id)) {
        throw new UserError(ErrorCodes.conflict, 'A folder cannot move into itself');
      }
    }
    const next = {
      ...folder,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.parentId !== undefined ? { parentId: patch.parentId } : {}),
    };
    await this.d.run(
      sql`update folders set name = ${next.name}, parent_id = ${next.parentId} where id = ${id} and owner_id = ${ownerId}`,
    );
    if (next.parentId !== null) {
      // Another instance may have moved a folder of the same tree meanwhile (a cluster): read the tree as it is
      // now; if the two moves closed a loop, this one (committed later, so it sees the other) goes to the top.
      const after = new Map((await this.listFolders(ownerId)).map((f) => [f.id, f]));
      if (reachesUp(after, next.parentId, id)) {
        await this.d.run(sql`update folders set parent_id = null where id = ${id} and owner_id = ${ownerId}`);
        throw new UserError(ErrorCodes.conflict, 'The folder was moved meanwhile; it is now at the top');
      }
    }
    return next;
  }

  /** Deletes one of the owner's folders: its sub-folders move up to its parent, its workflows become unfiled. */
  async deleteFolder(ownerId: string, id: string): Promise<boolean> {
    const [folder] = await this.d.all<{ parentId: string | null }>(
      sql`select parent_id as "parentId" from folders where id = ${id} and owner_id = ${ownerId}`,
    );
    if (!folder) return false;
    // A child that is also the folder's parent (a loop stored by hand) goes to the top, not under itself.
    await this.d.run(
      sql`update folders set parent_id = case when id = ${folder.parentId} then null else ${folder.parentId} end
          where owner_id = ${ownerId} and parent_id = ${id}`,
    );
    await this.d.run(sql`delete from folder_entries where owner_id = ${ownerId} and folder_id = ${id}`);
    return (await this.d.run(sql`delete from folders where id = ${id} and owner_id = ${ownerId}`)) > 0;
  }

  /** Files a workflow in one of the owner's folders, or (null) takes it out of any. */
  async fileWorkflow(ownerId: string, workflowId: string, folderId: string | null): Promise<void> {
    if (folderId === null) {
      await this.d.run(sql`delete from folder_entries where owner_id = ${ownerId} and workflow_id = ${workflowId}`);
      return;
    }
    const [folder] = await this.d.all<{ id: string }>(
      sql`select id from folders where id = ${folderId} and owner_id = ${ownerId}`,
    );
    if (!folder) throw folderNotFound();
    await this.d.run(
      sql`insert into folder_entries (owner_id, workflow_id, folder_id) values (${ownerId}, ${workflowId}, ${folderId})
          on conflict (owner_id, workflow_id) do update set folder_id = excluded.folder_id`,
    );
  }
}

/** Another person's folder is answered as no folder at all: folders are private. */
export const folderNotFound = (): UserError => new UserError(ErrorCodes.notFound, 'No such folder');
