/**
 * Executions waiting for an engine, one first-in-first-out line per workflow,
 * served round-robin: a flood of one workflow's webhook calls waits in its own
 * line and never in front of another workflow's run. `next` skips workflows
 * the caller says may not start another run now (their share of the engines
 * is taken).
 */
export class FairQueue {
  /** Workflow → its waiting execution ids; Map order is the rotation (served → moved to the back). */
  private readonly lines = new Map<string, string[]>();
  private total = 0;

  get size(): number {
    return this.total;
  }

  count(workflowId: string): number {
    return this.lines.get(workflowId)?.length ?? 0;
  }

  push(id: string, workflowId: string): void {
    const line = this.lines.get(workflowId);
    if (line) line.push(id);
    else this.lines.set(workflowId, [id]);
    this.total += 1;
  }

  /** The next execution of the first workflow in the rotation that `mayStart`, or undefined. */
  next(mayStart: (workflowId: string) => boolean): { id: string; workflowId: string } | undefined {
    for (const [workflowId, line] of this.lines) {
      if (!mayStart(workflowId)) continue;
      const id = line.shift() as string;
      this.total -= 1;
      // To the back of the rotation (or out of it when its line is empty).
      this.lines.delete(workflowId);
      if (line.length > 0) this.lines.set(workflowId, line);
      return { id, workflowId };
    }
    return undefined;
  }

  /** Takes one execution out (canceled); answers its workflow. */
  remove(id: string): string | undefined {
    for (const [workflowId, line] of this.lines) {
      const at = line.indexOf(id);
      if (at === -1) continue;
      line.splice(at, 1);
      this.total -= 1;
      if (line.length === 0) this.lines.delete(workflowId);
      return workflowId;
    }
    return undefined;
  }

  /** Takes a workflow's whole line out (the workflow is deleted); answers its ids. */
  removeWorkflow(workflowId: string): string[] {
    const line = this.lines.get(workflowId) ?? [];
    this.lines.delete(workflowId);
    this.total -= line.length;
    return line;
  }
}
