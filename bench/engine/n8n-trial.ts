import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const baselineDir = fileURLToPath(new URL('./n8n-baseline/', import.meta.url));

/** One n8n trial: executions/s of `n` sequential executions, from the baseline script. */
export const n8nTrial = (file: string, items: number, n: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['run.js'], {
      cwd: baselineDir,
      env: { ...process.env, WORKFLOW: file, ITEMS: String(items), N: String(n), TRIALS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      const m = /=> ([\d.]+) executions\/s/.exec(out);
      if (code !== 0 || !m) reject(new Error(`n8n baseline failed:\n${out}`));
      else resolve(Number(m[1]));
    });
  });
