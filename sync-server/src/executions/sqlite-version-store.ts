import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { Db } from '../db/open.ts';
import { workflowVersions } from '../db/schema.ts';
import type { VersionStore, WorkflowVersion } from './version-store.ts';

/** Workflow versions in SQLite. */

/** Versions never change, so parsed ones are kept for the next run (webhooks run the same one over and over). */
const CACHE = 256;

export class SqliteVersionStore implements VersionStore {
  private readonly cache = new Map<string, WorkflowVersion>();

  constructor(private readonly db: Db) {}

  async save(
    workflowId: string,
    state: Uint8Array,
    definition: WorkflowDefinition,
    authorId: string | null,
    now: number,
  ): Promise<string> {
    const json = JSON.stringify(definition);
    const hash = createHash('sha256').update(workflowId).update('\n').update(json).digest('hex');
    this.db
      .insert(workflowVersions)
      .values({ hash, workflowId, state: Buffer.from(state), definition: json, authorId, createdAt: now })
      .onConflictDoNothing()
      .run();
    return hash;
  }

  async get(hash: string): Promise<WorkflowVersion | undefined> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const row = this.db.select().from(workflowVersions).where(eq(workflowVersions.hash, hash)).get();
    if (!row) return undefined;
    const version = {
      hash: row.hash,
      workflowId: row.workflowId,
      definition: JSON.parse(row.definition) as WorkflowDefinition,
      authorId: row.authorId,
      createdAt: row.createdAt,
    };
    if (this.cache.size >= CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, version);
    return version;
  }
}
