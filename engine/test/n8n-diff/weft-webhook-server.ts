import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../shared/test/support/free-port.ts';

/**
 * Weft's real sync server as a child process (sync-server/src/main.ts, on a
 * free port of 127.0.0.1, a temp data dir with its SQLite file, the engine
 * child it starts itself), driven over REST as a person would: import the
 * n8n workflow, publish and activate it, then the caller sends the webhook
 * request, and `emitted` reads what the workflow's first node put out from
 * the execution it started.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface NodeRun {
  name: string;
  status: string;
  output: unknown;
  error: string | null;
}

export interface WeftWebhookOutcome {
  items: unknown[][] | null;
  error: string | null;
}

export class WeftWebhookServer {
  private child: ChildProcess | undefined;
  private dataDir = '';
  private cookie = '';
  origin = '';

  async start(): Promise<void> {
    this.dataDir = mkdtempSync(join(tmpdir(), 'weft-n8n-diff-webhook-'));
    const port = await freePort();
    this.origin = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sync-server/src/main.ts', '--port', String(port), '--data-dir', this.dataDir],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'info', WEFT_CLIENT_DIR: join(this.dataDir, 'no-client') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Weft did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-8000);
        if (output.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Weft exited (${code}):\n${output}`));
      });
    });
    const signup = await fetch(`${this.origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'diff@example.com', password: 'correct horse battery', name: 'diff' }),
    });
    if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
    this.cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  private async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  private active: string | undefined;

  /** Imports, publishes and activates `workflow` (the previous case's workflow is deleted first). */
  async arm(workflow: unknown): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.active) await this.api('DELETE', `/api/workflows/${this.active}`);
    this.active = undefined;
    const imported = await this.api('POST', '/api/workflows/import', workflow);
    const id = (imported.body as { id?: string } | undefined)?.id;
    if (imported.status !== 201 || !id)
      return { ok: false, reason: `import: ${imported.status} ${JSON.stringify(imported.body)}` };
    this.active = id;
    const published = await this.api('POST', `/api/workflows/${id}/publish`);
    if (published.status !== 200) return { ok: false, reason: `publish: ${JSON.stringify(published.body)}` };
    const activated = await this.api('POST', `/api/workflows/${id}/activate`);
    if (activated.status !== 200) return { ok: false, reason: `activate: ${JSON.stringify(activated.body)}` };
    return { ok: true };
  }

  /** What "Under test" emitted in the run the request started (none: items null). */
  async emitted(): Promise<WeftWebhookOutcome> {
    const id = this.active;
    if (!id) return { items: null, error: 'no workflow' };
    const deadline = Date.now() + 20_000;
    for (;;) {
      const list = (await this.api('GET', `/api/executions?workflowId=${id}`)).body as {
        executions: { id: string; status: string }[];
      };
      const execution = list.executions[0];
      if (execution && execution.status !== 'queued' && execution.status !== 'running') {
        const detail = (await this.api('GET', `/api/executions/${execution.id}`)).body as {
          nodeRuns: NodeRun[];
          error: string | null;
        };
        const run = detail.nodeRuns.find((r) => r.name === 'Under test');
        if (!run) return { items: null, error: detail.error ?? 'the webhook node did not run' };
        const output = (run.output ?? {}) as Record<string, { json: unknown }[]>;
        const outputs = Object.keys(output)
          .sort()
          .map((handle) => (output[handle] ?? []).map((i) => i.json));
        return { items: outputs, error: run.error };
      }
      // The run is recorded before the server answers: none now means the request started none.
      if (!execution) return { items: null, error: 'the request started no run' };
      if (Date.now() > deadline) return { items: null, error: 'the run did not finish' };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
