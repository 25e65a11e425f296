import type { WorkflowDefinition } from '#shared/schema/definition.ts';

/**
 * Immutable, content-addressed workflow versions (ARCHITECTURE.md §4,
 * snapshots): the same definition of the same workflow is stored once, and a
 * stored version never changes.
 */
export interface WorkflowVersion {
  hash: string;
  workflowId: string;
  definition: WorkflowDefinition;
  authorId: string | null;
  createdAt: number;
}

export interface VersionStore {
  /** Stores the version unless the same one is stored already; answers its hash either way. */
  save(
    workflowId: string,
    state: Uint8Array,
    definition: WorkflowDefinition,
    authorId: string | null,
    now: number,
  ): Promise<string>;
  get(hash: string): Promise<WorkflowVersion | undefined>;
}
