import { createTimeOrderedId } from '#shared/ids.ts';
import type { Item } from '#shared/runs/items.ts';
import { defaultSettings, type WorkflowSettings } from '#shared/schema/definition.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { namedVersionHash } from '../history/named-version.ts';
import { can } from '../workflows/access.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { ExecutionRow, ExecutionStore } from './execution-store.ts';
import type { VersionStore } from './version-store.ts';

/**
 * Starting a sub-workflow run for an Execute Workflow node (docs/plans/n8n-daily.md §6.2). The server checks,
 * in order: the child exists; its caller policy lets the caller run it; the chain of calls stays within the
 * depth limit; the version asked for exists (a draft only under a manual or test run); and the root run has
 * not started too many children (counted as the row is stored). Everything the engine sent is input: a
 * refusal is a sentence for the node's error, never a crash.
 */

export interface SubrunRequest {
  parent: ExecutionRow;
  nodeId: string;
  workflowId: string;
  version: 'published' | 'named' | 'draft';
  versionName?: string;
  items: Item[];
  wait: boolean;
  /** The engine the parent runs on: an inline child is stored running there. */
  engine: { id: string; instanceId?: string };
}

export type SubrunOutcome = { ok: true; childId: string; workflowId: string } | { ok: false; message: string };

export interface SubworkflowDeps {
  executions: ExecutionStore;
  versions: VersionStore;
  workflows: WorkflowStore;
  history: HistoryStore;
  /** The child's settings as its document has them now (who may call it is today's answer, not a version's). */
  settingsOf(workflowId: string): Promise<WorkflowSettings>;
  /** Saves the child's document as a version (a `draft` call); throws a UserError when it cannot run. */
  snapshot(workflowId: string, authorId: string | null): Promise<string>;
  /** A child nobody waits for joins the queue like any run. */
  enqueue(executionId: string, workflowId: string): void;
  usesOutbox: boolean;
  /** Told of each child stored (the child's room shows its run). */
  started(workflowId: string, executionId: string, createdAt: number): void;
  maxDepth: number;
  maxRunsPerRoot: number;
  now?: () => number;
}

/** Names of the workflows in a refusal's chain, at most this many. */
const MAX_CHAIN = 12;

const refuse = (message: string): SubrunOutcome => ({ ok: false, message });

export class SubworkflowStarter {
  constructor(private readonly deps: SubworkflowDeps) {}

  async start(request: SubrunRequest): Promise<SubrunOutcome> {
    const { deps } = this;
    const { parent } = request;
    const child = await deps.workflows.get(request.workflowId);
    if (!child) return refuse(`Workflow ${request.workflowId} does not exist`);
    const policy = await this.policyRefusal(request, child.name);
    if (policy) return refuse(policy);
    const depth = parent.depth + 1;
    if (depth > deps.maxDepth) {
      const chain = await this.chain(parent, child.name);
      return refuse(
        `Sub-workflows may call each other at most ${deps.maxDepth} deep (WEFT_MAX_SUBWORKFLOW_DEPTH): ${chain}`,
      );
    }
    const rootId = parent.rootExecutionId ?? parent.id;
    const versionHash = await this.versionOf(request, child, rootId);
    if (typeof versionHash !== 'string') return versionHash;
    const version = await deps.versions.get(versionHash);
    const trigger = version?.definition.nodes.find((n) => n.type === 'executeWorkflowTrigger' && !n.disabled);
    if (!trigger) {
      return refuse(
        `Workflow "${child.name}" cannot be called: it has no (enabled) Execute Workflow Trigger in the version asked for`,
      );
    }
    const id = createTimeOrderedId();
    const createdAt = (deps.now ?? Date.now)();
    const created = await deps.executions.createChild(
      {
        id,
        workflowId: child.id,
        versionHash,
        mode: 'subworkflow',
        createdBy: parent.createdBy,
        createdAt,
        startNodeId: trigger.id,
        triggerItems: JSON.stringify(request.items),
        retryOf: null,
        parentExecutionId: parent.id,
        parentNodeId: request.nodeId,
        rootExecutionId: rootId,
        depth,
      },
      {
        maxPerRoot: deps.maxRunsPerRoot,
        ...(request.wait
          ? {
              running: {
                engineId: request.engine.id,
                ...(request.engine.instanceId ? { instanceId: request.engine.instanceId } : {}),
              },
            }
          : { outbox: deps.usesOutbox }),
      },
    );
    if (created === 'tooMany') {
      return refuse(
        `This run has started ${deps.maxRunsPerRoot} sub-workflow runs, the most one run may (WEFT_MAX_SUBWORKFLOW_RUNS)`,
      );
    }
    deps.started(child.id, id, createdAt);
    if (!request.wait) deps.enqueue(id, child.id);
    return { ok: true, childId: id, workflowId: child.id };
  }

  /** Why the child's caller policy refuses this caller, or undefined. */
  private async policyRefusal(request: SubrunRequest, childName: string): Promise<string | undefined> {
    const { deps } = this;
    const { parent } = request;
    const settings = await deps.settingsOf(request.workflowId);
    const policy = settings.callerPolicy ?? defaultSettings.callerPolicy;
    const refused = `Workflow "${childName}" does not let this workflow call it`;
    switch (policy) {
      case 'any':
        return undefined;
      case 'none':
        return `${refused} (its settings allow no callers)`;
      case 'list':
        return (settings.callerIds ?? []).includes(parent.workflowId)
          ? undefined
          : `${refused} (it is not in the child's list of callers)`;
      case 'members': {
        // The person who started the run, or an owner of the calling workflow, must be able to run the child.
        const mayRun = async (userId: string | null) => {
          if (userId === null) return false;
          const role = await deps.workflows.memberRole(request.workflowId, userId);
          return role !== undefined && can(role, 'edit');
        };
        if (await mayRun(parent.createdBy)) return undefined;
        for (const member of await deps.workflows.members(parent.workflowId)) {
          if (member.role === 'owner' && (await mayRun(member.userId))) return undefined;
        }
        return `${refused}: neither who started the run nor an owner of the calling workflow may run it`;
      }
    }
  }

  /** The version to run, or the refusal. */
  private async versionOf(
    request: SubrunRequest,
    child: { id: string; name: string; publishedHash?: string | null },
    rootId: string,
  ): Promise<string | SubrunOutcome> {
    const { deps } = this;
    switch (request.version) {
      case 'published':
        return child.publishedHash ?? refuse(`Workflow "${child.name}" has no published version to run`);
      case 'named': {
        const name = request.versionName ?? '';
        return (
          (await namedVersionHash(deps.history, child.id, name)) ??
          refuse(`Workflow "${child.name}" has no version named "${name}"`)
        );
      }
      case 'draft': {
        const root = rootId === request.parent.id ? request.parent : await deps.executions.get(rootId);
        if (root?.mode !== 'manual' && root?.mode !== 'test') {
          return refuse(
            `Workflow "${child.name}": a draft runs only in manual and test runs; choose its published or a named version`,
          );
        }
        try {
          return await deps.snapshot(child.id, request.parent.createdBy);
        } catch (e) {
          return refuse(`Workflow "${child.name}" cannot run: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  }

  /** "A → B → A → …" from the root down to the child asked for. */
  private async chain(parent: ExecutionRow, childName: string): Promise<string> {
    const names: string[] = [childName];
    let row: ExecutionRow | undefined = parent;
    let steps = 0;
    while (row && steps < MAX_CHAIN) {
      names.unshift((await this.deps.workflows.get(row.workflowId))?.name ?? row.workflowId);
      row = row.parentExecutionId ? await this.deps.executions.get(row.parentExecutionId) : undefined;
      steps++;
    }
    if (row) names.unshift('…');
    return names.join(' → ');
  }
}
