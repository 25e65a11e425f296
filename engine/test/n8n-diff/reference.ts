import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { EngineResult, NodeRunOutcome } from './outcome.ts';

/**
 * n8n's real engine, as a child process: bench/engine/n8n-baseline/reference.js
 * (n8n-core and n8n-nodes-base 2.41.1, installed there on first use with
 * --ignore-scripts, outside Weft's own dependency tree). One process serves
 * many cases, one JSON line each way, because loading n8n takes seconds. A case
 * that does not answer in time kills the process; the next case starts another.
 */

export const baselineDir = fileURLToPath(new URL('../../../bench/engine/n8n-baseline/', import.meta.url));

const CASE_TIMEOUT_MS = 20_000;

/** The folder n8n's file nodes may use in the reference (read-write-files-gen.ts fills it per case). */
export const REFERENCE_FILES_DIR = join(tmpdir(), `weft-n8n-diff-${process.pid}`, 'n8n');

/** The zone Weft's engine gives a workflow with none (what n8n calls its instance zone) in these tests. */
export const INSTANCE_TIMEZONE = 'UTC';

const errorSchema = z.object({ message: z.string(), description: z.string().nullable().optional() }).nullable();
const answerSchema = z.object({
  ref: z.unknown(),
  ok: z.boolean(),
  status: z.string().optional(),
  nodes: z
    .record(
      z.string(),
      z.array(
        z.object({
          outputs: z.array(z.array(z.unknown())),
          paired: z.array(z.array(z.unknown())).optional(),
          error: errorSchema,
        }),
      ),
    )
    .optional(),
  error: errorSchema.optional(),
  lastNode: z.string().nullable().optional(),
  customData: z.record(z.string(), z.unknown()).optional(),
  responses: z
    .array(
      z.object({
        statusCode: z.unknown().optional(),
        headers: z.unknown().optional(),
        body: z.unknown().optional(),
      }),
    )
    .optional(),
});

/**
 * The answers a run handed its webhook (Respond to Webhook), as
 * `{ statusCode, headers, body }`, shown as the outputs of a pseudo-node of
 * this name so they are compared like any node's items.
 */
export const RESPONSE_NODE = '(webhook response)';

export const responseOutcome = (responses: unknown[]): Record<string, NodeRunOutcome[]> =>
  responses.length === 0 ? {} : { [RESPONSE_NODE]: [{ outputs: [responses], error: null }] };

/** The run's custom data (Execution Data, `$execution.customData`), shown as the one item of a pseudo-node of this name. */
export const CUSTOM_DATA_NODE = '(custom data)';

export const customDataOutcome = (data: Record<string, unknown> | undefined): Record<string, NodeRunOutcome[]> =>
  !data || Object.keys(data).length === 0 ? {} : { [CUSTOM_DATA_NODE]: [{ outputs: [[data]], error: null }] };

/** Installs n8n's packages into the reference folder the first time (about a minute). */
export const ensureReferenceInstalled = async (): Promise<void> => {
  if (existsSync(`${baselineDir}node_modules/n8n-core`)) return;
  process.stderr.write('installing n8n-core 2.41 for the reference (once, ~1 minute)…\n');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: baselineDir,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`npm install in ${baselineDir} exited ${code}`));
    });
  });
};

interface Pending {
  id: number;
  resolve: (result: EngineResult) => void;
  timer: NodeJS.Timeout;
}

export class N8nReference {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<void> | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private stderr = '';

  private start(): Promise<void> {
    // n8n's instance zone (GENERIC_TIMEZONE) is the one Weft's engine gives workflows without a zone of their own.
    const child = spawn(process.execPath, ['reference.js'], {
      cwd: baselineDir,
      // n8n 2.x confines file nodes to N8N_RESTRICT_FILE_ACCESS_TO (~/.n8n-files by default): the files family's folder.
      env: {
        ...process.env,
        TZ: 'UTC',
        GENERIC_TIMEZONE: INSTANCE_TIMEZONE,
        N8N_RESTRICT_FILE_ACCESS_TO: REFERENCE_FILES_DIR,
      },
    });
    this.child = child;
    this.stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      // Kept short: only the tail helps when the process dies.
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    let markReady: () => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let answer: z.infer<typeof answerSchema>;
      try {
        answer = answerSchema.parse(JSON.parse(line));
      } catch {
        return; // not an answer: something n8n printed despite the redirect
      }
      if (answer.ref === 'ready') {
        markReady();
        return;
      }
      const p = this.pending;
      if (!p || answer.ref !== p.id) return;
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve(
        answer.ok
          ? {
              ok: true,
              nodes: {
                ...Object.fromEntries(
                  Object.entries(answer.nodes ?? {}).map(([name, runs]) => [
                    name,
                    runs.map((r) => ({
                      outputs: r.outputs,
                      ...(r.paired ? { paired: r.paired } : {}),
                      error: r.error?.message ?? null,
                    })),
                  ]),
                ),
                ...customDataOutcome(answer.customData),
                ...responseOutcome(
                  (answer.responses ?? []).map(({ statusCode, headers, body }) => ({
                    // A code from an expression may be text ("201"); HTTP sends it as the number.
                    statusCode:
                      typeof statusCode === 'string' && statusCode.trim() !== '' ? Number(statusCode) : statusCode,
                    headers: headers ?? {},
                    body: body ?? null,
                  })),
                ),
              },
              error: answer.error?.message ?? null,
              failedNode: answer.error ? (answer.lastNode ?? null) : null,
            }
          : { ok: false, reason: answer.error?.message ?? 'the reference failed' },
      );
    });
    const onGone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.ready = undefined;
      failReady(new Error(`n8n reference ${why}:\n${this.stderr}`));
      const p = this.pending;
      this.pending = undefined;
      if (p) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, reason: `n8n reference ${why}` });
      }
    };
    child.once('error', (e) => onGone(`could not start (${e.message})`));
    child.once('exit', (code, signal) => onGone(`exited (${signal ?? code})`));
    child.stdin.on('error', () => undefined); // a dead child's pipe: reported through 'exit'
    return ready;
  }

  /**
   * Runs one n8n workflow (pinData is ignored) and returns every node's runs;
   * with `now`, n8n's clock (Date.now, which Luxon and moment read) stands still there for the case.
   */
  async run(workflow: unknown, now?: number): Promise<EngineResult> {
    if (this.pending) throw new Error('N8nReference runs one case at a time');
    this.ready ??= this.start();
    await this.ready;
    const child = this.child;
    if (!child) return { ok: false, reason: 'n8n reference is not running' };
    const id = this.nextId++;
    return new Promise<EngineResult>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        if (this.pending?.id === id) {
          this.pending = undefined;
          resolve({ ok: false, reason: `n8n did not answer within ${CASE_TIMEOUT_MS / 1000} s` });
        }
      }, CASE_TIMEOUT_MS);
      this.pending = { id, resolve, timer };
      child.stdin.write(`${JSON.stringify({ id, workflow, now })}\n`);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}
