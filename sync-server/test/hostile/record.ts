import { appendFileSync } from 'node:fs';

/**
 * What the fuzzer tried and what it found: counts per kind of input, HTTP
 * statuses and close codes seen, every 5xx, the last inputs (to replay a
 * failure), and the findings (each a broken rule, with the input that broke it).
 */

export type InputKind = 'http' | 'rest' | 'sync' | 'engine';

export interface Finding {
  rule: string;
  detail: string;
  input: string;
}

const RECENT = 40;

export class HostileRecord {
  readonly tried: Record<InputKind, number> = { http: 0, rest: 0, sync: 0, engine: 0 };
  /** Responses by status class and kind, e.g. "rest 4xx". */
  readonly statuses = new Map<string, number>();
  /** Every 5xx answer: "<status> <method> <route> <code>" → how many. */
  readonly serverErrors = new Map<string, number>();
  /** WebSocket close codes the server sent fuzzing sockets, by kind. */
  readonly closes = new Map<string, number>();
  readonly findings: Finding[] = [];
  /** How far inputs got, by what they reached (frames the room took, jobs a fuzzing engine held, …). */
  readonly reached = new Map<string, number>();
  /** Time spent per kind of input (ms), and the slowest one. */
  readonly timing: Record<InputKind, { total: number; max: number }> = {
    http: { total: 0, max: 0 },
    rest: { total: 0, max: 0 },
    sync: { total: 0, max: 0 },
    engine: { total: 0, max: 0 },
  };
  private readonly recent: string[] = [];

  /** `logFile`: every input's description is appended there as well (WEFT_HOSTILE_LOG), to find one after a run. */
  constructor(private readonly logFile?: string) {}

  get total(): number {
    return this.tried.http + this.tried.rest + this.tried.sync + this.tried.engine;
  }

  /** Notes an input before it is sent; its description is kept among the last ones. */
  input(kind: InputKind, description: string): void {
    this.tried[kind] += 1;
    const line = description.length > 600 ? `${description.slice(0, 600)}…` : description;
    this.recent.push(line);
    if (this.logFile) appendFileSync(this.logFile, `${new Date().toISOString()} ${line.replace(/\n/g, '\\n')}\n`);
    if (this.recent.length > RECENT) this.recent.shift();
  }

  reach(what: string): void {
    this.reached.set(what, (this.reached.get(what) ?? 0) + 1);
  }

  /** Inputs that took long (kept in the log file only). */
  slow(line: string): void {
    if (this.logFile) appendFileSync(this.logFile, `SLOW ${line.slice(0, 400).replace(/\n/g, ' ')}\n`);
  }

  took(kind: InputKind, ms: number): void {
    this.timing[kind].total += ms;
    this.timing[kind].max = Math.max(this.timing[kind].max, ms);
  }

  status(kind: InputKind, status: number): void {
    const key = `${kind} ${Math.floor(status / 100)}xx`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  serverError(what: string): void {
    this.serverErrors.set(what, (this.serverErrors.get(what) ?? 0) + 1);
  }

  close(kind: InputKind, code: number): void {
    const key = `${kind} ${code}`;
    this.closes.set(key, (this.closes.get(key) ?? 0) + 1);
  }

  /** A broken rule. The same rule and detail is kept once (the first input that showed it). */
  find(rule: string, detail: string, input: string): void {
    if (this.findings.some((f) => f.rule === rule && f.detail === detail)) return;
    this.findings.push({ rule, detail, input: input.length > 2000 ? `${input.slice(0, 2000)}…` : input });
  }

  lastInputs(): string[] {
    return [...this.recent];
  }

  summary(): string {
    const counts = (m: Map<string, number>) =>
      [...m.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || 'none';
    return [
      `inputs tried: ${this.total} (raw HTTP ${this.tried.http}, REST ${this.tried.rest}, sync frames ${this.tried.sync}, engine messages ${this.tried.engine})`,
      `answers: ${counts(this.statuses)}`,
      `5xx answers: ${counts(this.serverErrors)}`,
      `close codes: ${counts(this.closes)}`,
      `reached: ${counts(this.reached)}`,
      `time per input (mean / max ms): ${(Object.keys(this.timing) as InputKind[])
        .map(
          (k) =>
            `${k} ${(this.timing[k].total / Math.max(1, this.tried[k])).toFixed(1)} / ${this.timing[k].max.toFixed(0)}`,
        )
        .join(', ')}`,
    ].join('\n');
  }
}
