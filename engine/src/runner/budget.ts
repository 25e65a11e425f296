import { defaultRunLimits, type RunLimits } from '#shared/protocol/engine.ts';
import type { NodeOutput } from '#shared/runs/items.ts';

/**
 * What one execution may use (see RunLimits): node runs, items and bytes.
 * Bytes are those of the JSON text the engine sends and the server stores:
 * a run that encodes its items (the engine's) encodes each output once, as
 * it is made, measures that text, and builds the next node's input text from
 * it instead of encoding it again. A run that does not encode (an in-process
 * caller reading the items) has no bytes to count and skips the cost.
 */

/** One output's JSON text (a JSON list of items) and its size. */
export interface Part {
  text: string;
  bytes: number;
}

export interface Measured {
  items: number;
  /** JSON bytes; 0 when the run does not encode. */
  bytes: number;
  /** The output as JSON text (`{"main":[…],…}`), when the run encodes. */
  text?: string;
  /** Each output handle's items, as JSON text, when the run encodes. */
  parts?: Map<string, Part>;
}

export const EMPTY_OUTPUT: Measured = { text: '{}', bytes: 2, items: 0, parts: new Map() };

const count = (n: number): string => n.toLocaleString('en-US');

const sizeOf = (bytes: number): string =>
  bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MB` : `${count(bytes)} bytes`;

/** The output's JSON text, by handle and whole; throws what JSON.stringify throws (a string too long). */
export const measureOutput = (output: NodeOutput): Measured => {
  const parts = new Map<string, Part>();
  let text = '{';
  let bytes = 2;
  let items = 0;
  for (const handle in output) {
    const list = output[handle];
    if (!list) continue;
    items += list.length;
    const part = JSON.stringify(list);
    const size = Buffer.byteLength(part);
    parts.set(handle, { text: part, bytes: size });
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(handle)}:${part}`;
    bytes += size + handle.length + 4;
  }
  return { text: `${text}}`, bytes, items, parts };
};

/**
 * Base64 characters of the files the output's items carry (§8.2): in the JSON text they are counted with the rest,
 * and a run that does not encode counts them alone, so a node cannot pass a file larger than its budget either way.
 */
export const binaryBytesOf = (output: NodeOutput): number => {
  let bytes = 0;
  for (const handle in output) {
    for (const item of output[handle] ?? []) {
      const files = item.binary;
      if (!files) continue;
      for (const key in files) {
        const data = files[key]?.data;
        if (typeof data === 'string') bytes += data.length;
      }
    }
  }
  return bytes;
};

const ofFiles = (bytes: number): string => (bytes > 0 ? ` (${sizeOf(bytes)} of it files, as base64)` : '');

export class RunBudget {
  readonly limits: RunLimits;
  private items = 0;
  private bytes = 0;

  constructor(limits: Partial<RunLimits> | undefined) {
    this.limits = { ...defaultRunLimits, ...limits };
  }

  /**
   * Measures a node run's output (encoding it when `encode`) and counts it
   * with its input against the budgets; answers why it does not fit instead
   * (nothing counted then).
   */
  take(output: NodeOutput, inputBytes: number, encode: boolean): Measured | string {
    const { limits } = this;
    let items = 0;
    for (const handle in output) items += output[handle]?.length ?? 0;
    if (items > limits.maxItemsPerNode)
      return `it put out ${count(items)} items, more than the ${count(limits.maxItemsPerNode)} one node run may`;
    if (this.items + items > limits.maxItemsPerExecution)
      return `its ${count(items)} items take the execution past its limit of ${count(limits.maxItemsPerExecution)} items`;
    const files = binaryBytesOf(output);
    if (!encode) {
      if (files > limits.maxBytesPerNode)
        return `it put out ${sizeOf(files)} of files (as base64), more than the ${sizeOf(limits.maxBytesPerNode)} one node run may`;
      this.items += items;
      return { items, bytes: 0 };
    }
    let measured: Measured;
    try {
      measured = measureOutput(output);
    } catch (e) {
      return `its output could not be encoded (${e instanceof Error ? e.message : String(e)})`;
    }
    if (measured.bytes > limits.maxBytesPerNode)
      return `it put out ${sizeOf(measured.bytes)} of data${ofFiles(files)}, more than the ${sizeOf(limits.maxBytesPerNode)} one node run may`;
    const total = this.bytes + inputBytes + measured.bytes;
    if (total > limits.maxBytesPerExecution)
      return `its input and output take the execution's data past its limit of ${sizeOf(limits.maxBytesPerExecution)}`;
    this.items += items;
    this.bytes = total;
    return measured;
  }

  /** The end of a run that reached its node-run limit, naming the nodes that ran most. */
  tooManyRuns(runsByName: ReadonlyMap<string, number>): string {
    const most = [...runsByName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, n]) => `"${name}" (${count(n)} runs)`);
    return `Too many node runs: the execution reached its limit of ${count(this.limits.maxNodeRuns)}; the nodes that ran most: ${most.join(', ')}. A loop in the workflow that never ends?`;
  }
}

/**
 * Each waiting node's input as JSON text parts, by input handle, in the
 * order they arrived (the order of its items).
 */
export class PendingText {
  private readonly byNode = new Map<string, Map<string, Part[]>>();

  add(nodeId: string, handle: string, part: Part): void {
    let handles = this.byNode.get(nodeId);
    if (!handles) {
      handles = new Map();
      this.byNode.set(nodeId, handles);
    }
    const parts = handles.get(handle);
    if (parts) parts.push(part);
    else handles.set(handle, [part]);
  }

  /** The node's input as JSON text (`{"main":[…]}`) and its size; forgets it. */
  take(nodeId: string): Part {
    const handles = this.byNode.get(nodeId);
    if (!handles) return { text: '{}', bytes: 2 };
    this.byNode.delete(nodeId);
    let text = '{';
    let bytes = 2;
    for (const [handle, parts] of handles) {
      // Lists join by their insides: "[a,b]" and "[c]" make "[a,b,c]".
      const list =
        parts.length === 1 ? (parts[0] as Part).text : `[${parts.map((p) => p.text.slice(1, -1)).join(',')}]`;
      text += `${text.length > 1 ? ',' : ''}${JSON.stringify(handle)}:${list}`;
      for (const p of parts) bytes += p.bytes;
      bytes += handle.length + 4;
    }
    return { text: `${text}}`, bytes };
  }
}
