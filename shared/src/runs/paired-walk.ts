import { decodePaired, withSourceHandles, type PairedRecord } from './paired.ts';
import { pairedItemMissing, pairedItemNoPath } from './paired-errors.ts';

export { pairedItemMissing, pairedItemNoPath };

/**
 * `$('Name').item` over stored node runs: the walk back from an item to the
 * item of an earlier node it descends from, through each run's paired record
 * (paired.ts) — the engine's RunLineage walk (engine/src/runner/paired-items.ts,
 * n8n's getPairedItem) for readers that have the stored runs rather than the
 * live ones: the expression preview in the browser.
 */

/** One stored node run as the walk reads it. */
export interface StoredRun {
  nodeId: string;
  name: string;
  runIndex: number;
  /** Input handles in port order: a pairing's `input` indexes this. */
  inputHandles: readonly string[];
  /** Items by output handle. */
  output: Readonly<Record<string, readonly unknown[] | undefined>>;
  /** node_runs.paired; null or unreadable: no lineage through this run. */
  paired: string | null | undefined;
}

/** Where an item was found: that run's output and index. */
export type WalkResult = { run: StoredRun; output: string; index: number } | { error: string };

export class StoredLineage {
  private readonly byKey = new Map<string, StoredRun>();
  private readonly records = new Map<StoredRun, PairedRecord | null>();

  constructor(runs: Iterable<StoredRun>) {
    for (const run of runs) this.byKey.set(`${run.nodeId}\u0000${run.runIndex}`, run);
  }

  /** The item of `target` that input item `index` of `run`'s `handle` descends from. */
  fromInput(run: StoredRun, handle: string, index: number, target: string): WalkResult {
    const source = this.sourceOf(run, handle, index);
    return source ? this.fromOutput(source.run, source.output, source.index, target) : pairedItemNoPath(target);
  }

  /** The item of `target` that output item `index` of `run`'s `output` descends from (itself, when `run` is `target`). */
  fromOutput(run: StoredRun, output: string, index: number, target: string, depth = 0): WalkResult {
    if (run.name === target) {
      return index < (run.output[output]?.length ?? 0) ? { run, output, index } : pairedItemMissing(run.name);
    }
    // A stored record is data: a cycle in it must not recurse for ever.
    if (depth > 10_000) return pairedItemNoPath(target);
    const paired = this.recordOf(run)?.outputs[output]?.[index];
    if (!paired || paired.length === 0) return pairedItemMissing(run.name);
    let firstError: { error: string } | undefined;
    let found: { run: StoredRun; output: string; index: number } | undefined;
    const handles = withSourceHandles(run.inputHandles, Object.keys(this.recordOf(run)?.inputs ?? {}));
    for (const p of paired) {
      const handle = handles[p.input ?? 0];
      if (handle === undefined) continue;
      const source = this.sourceOf(run, handle, p.item);
      const r = source
        ? this.fromOutput(source.run, source.output, source.index, target, depth + 1)
        : pairedItemNoPath(target);
      if ('error' in r) {
        firstError ??= r;
        continue;
      }
      if (found && (found.run !== r.run || found.output !== r.output || found.index !== r.index)) {
        return { error: `Multiple matches: multiple matching items for item [${index}] of node '${run.name}'` };
      }
      found = r;
    }
    return found ?? firstError ?? pairedItemNoPath(target);
  }

  private sourceOf(run: StoredRun, handle: string, index: number) {
    let start = 0;
    for (const s of this.recordOf(run)?.inputs[handle] ?? []) {
      if (index < start + s.count) {
        const from = this.byKey.get(`${s.nodeId}\u0000${s.runIndex}`);
        return from ? { run: from, output: s.output, index: index - start } : undefined;
      }
      start += s.count;
    }
    return undefined;
  }

  private recordOf(run: StoredRun): PairedRecord | null {
    let record = this.records.get(run);
    if (record === undefined) {
      const counts: Record<string, number> = {};
      for (const [handle, items] of Object.entries(run.output)) counts[handle] = items?.length ?? 0;
      record = run.paired ? (decodePaired(run.paired, counts) ?? null) : null;
      this.records.set(run, record);
    }
    return record;
  }
}
