import type * as Y from 'yjs';
import type { VersionDetailDto } from '#shared/api/versions.ts';
import { compareDefinitions, type DefinitionComparison } from '#shared/schema/diff/describe.ts';
import { edgeId, toDefinition, type WorkflowDefinition } from '#shared/schema/index.ts';

/** How a node differs from the compared version, as its `data-diff` says. */
export type DiffMark = 'added' | 'changed' | 'moved';

export interface ShownComparison {
  version: VersionDetailDto;
  result: DefinitionComparison;
}

/** A definition off the wire names its edges only optionally; the comparison keys them by id. */
export const withEdgeIds = (definition: VersionDetailDto['definition']): WorkflowDefinition => ({
  ...definition,
  edges: definition.edges.map((e) => ({ ...e, id: e.id ?? edgeId(e) })),
});

/**
 * "Compare with now": a version against the live document, compared again
 * after every change of the document while it is shown. Nodes read their own
 * mark (a string), so a change re-renders only the nodes whose mark moved;
 * the panel reads the whole comparison.
 */
export class VersionDiff {
  private shown: ShownComparison | null = null;
  private base: WorkflowDefinition | null = null;
  private marks = new Map<string, DiffMark>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly doc: Y.Doc) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  comparison = (): ShownComparison | null => this.shown;

  markOf = (nodeId: string): DiffMark | undefined => this.marks.get(nodeId);

  show(version: VersionDetailDto): void {
    if (!this.shown) this.doc.on('update', this.recompute);
    this.base = withEdgeIds(version.definition);
    this.shown = { version, result: this.shown?.result ?? { nodes: [], edges: { added: [], removed: [] }, meta: [] } };
    this.recompute();
  }

  clear(): void {
    if (!this.shown) return;
    this.doc.off('update', this.recompute);
    this.shown = null;
    this.base = null;
    this.marks = new Map();
    this.notify();
  }

  destroy(): void {
    this.clear();
    this.listeners.clear();
  }

  private readonly recompute = (): void => {
    if (!this.shown || !this.base) return;
    const result = compareDefinitions(this.base, toDefinition(this.doc));
    this.shown = { version: this.shown.version, result };
    const marks = new Map<string, DiffMark>();
    for (const n of result.nodes) {
      if (n.status === 'added' || n.status === 'changed' || n.status === 'moved') marks.set(n.id, n.status);
    }
    this.marks = marks;
    this.notify();
  };

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
