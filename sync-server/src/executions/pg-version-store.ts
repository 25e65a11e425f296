import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { workflowVersions } from '../db/schema/pg.ts';
import type { VersionStore, WorkflowVersion } from './version-store.ts';

/** Versions never change, so parsed ones are kept for the next run (webhooks run the same one over and over). */
const CACHE = 256;

/**
 * Workflow versions in PostgreSQL; the same rules as SqliteVersionStore, one
 * contract. The cache is safe across instances: a hash names one version forever.
 */
export class PgVersionStore implements VersionStore {
  private readonly cache = new Map<string, WorkflowVersion>();
  private readonly byHashStmt;

  constructor(private readonly db: PgDb) {
    this.byHashStmt = db
      .select()
      .from(workflowVersions)
      .where(eq(workflowVersions.hash, sql.placeholder('hash')))
      .prepare('weft_version_by_hash');
  }

  async save(
    workflowId: string,
    state: Uint8Array,
    definition: WorkflowDefinition,
    authorId: string | null,
    now: number,
  ): Promise<string> {
    const json = JSON.stringify(definition);
    const hash = createHash('sha256').update(workflowId).update('\n').update(json).digest('hex');
    await this.db
      .insert(workflowVersions)
      .values({ hash, workflowId, state: Buffer.from(state), definition: json, authorId, createdAt: now })
      .onConflictDoNothing();
    return hash;
  }

  async get(hash: string): Promise<WorkflowVersion | undefined> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const [row] = await this.byHashStmt.execute({ hash });
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
