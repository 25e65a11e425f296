import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { baselineDir } from './reference.ts';

/**
 * n8n's Webhook node behind a real HTTP server: the child process
 * bench/engine/n8n-baseline/webhook-reference.js (its header says what of
 * n8n's webhook server it replicates). `arm` hands it the case's workflow;
 * the caller then sends the request to `origin`, and `emitted` resolves to
 * what the node emitted for it.
 */

const TIMEOUT_MS = 20_000;

const lineSchema = z.object({
  ref: z.unknown(),
  ok: z.boolean(),
  port: z.number().optional(),
  armed: z.boolean().optional(),
  items: z.array(z.array(z.unknown())).nullable().optional(),
  binary: z.array(z.array(z.unknown())).optional(),
  error: z.object({ message: z.string() }).nullable().optional(),
});
type Line = z.infer<typeof lineSchema>;

export interface N8nWebhookOutcome {
  /** The node's workflowData, by output (json only); null when the node threw. */
  items: unknown[][] | null;
  /** Per output item, the binary property names (null: none). */
  binary: unknown[][];
  error: string | null;
}

export class N8nWebhookReference {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<number> | undefined;
  private waiting = new Map<unknown, (line: Line) => void>();
  private nextId = 1;
  private stderr = '';
  origin = '';

  private start(): Promise<number> {
    const child = spawn(process.execPath, ['webhook-reference.js'], {
      cwd: baselineDir,
      env: { ...process.env, TZ: 'UTC' },
    });
    this.child = child;
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    child.stdin.on('error', () => undefined);
    return new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (raw) => {
        let line: Line;
        try {
          line = lineSchema.parse(JSON.parse(raw));
        } catch {
          return;
        }
        if (line.ref === 'ready' && line.port !== undefined) {
          resolve(line.port);
          return;
        }
        const key = line.armed ? `armed:${String(line.ref)}` : line.ref;
        const waiter = this.waiting.get(key);
        if (waiter) {
          this.waiting.delete(key);
          waiter(line);
        }
      });
      child.once('exit', (code) => {
        this.child = undefined;
        this.ready = undefined;
        reject(new Error(`n8n webhook reference exited (${code}):\n${this.stderr}`));
        for (const waiter of this.waiting.values()) waiter({ ref: null, ok: false, error: { message: 'exited' } });
        this.waiting.clear();
      });
    });
  }

  private wait(key: unknown): Promise<Line> {
    return new Promise<Line>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve({ ref: null, ok: false, error: { message: `no answer within ${TIMEOUT_MS / 1000} s` } });
      }, TIMEOUT_MS);
      this.waiting.set(key, (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /**
   * Serves `workflow`'s "Under test" Webhook; resolves once it does, to what it emits for the next
   * request (wrapped: a promise resolved with a promise would wait for it).
   */
  async arm(workflow: unknown): Promise<{ emitted: Promise<N8nWebhookOutcome> }> {
    this.ready ??= this.start();
    const port = await this.ready;
    this.origin = `http://127.0.0.1:${port}`;
    const child = this.child;
    if (!child) throw new Error('n8n webhook reference is not running');
    const id = this.nextId++;
    const armed = this.wait(`armed:${id}`);
    const emitted = this.wait(id);
    child.stdin.write(`${JSON.stringify({ id, workflow })}\n`);
    const a = await armed;
    if (!a.ok) throw new Error(`n8n webhook reference: ${a.error?.message ?? 'not armed'}`);
    return {
      emitted: emitted.then((line) => ({
        items: line.ok ? (line.items ?? null) : null,
        binary: line.binary ?? [],
        error: line.ok ? (line.error?.message ?? null) : (line.error?.message ?? 'the reference failed'),
      })),
    };
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone.catch(() => undefined);
    clearTimeout(timer);
  }
}
