/**
 * # The hostile suite
 *
 * A seeded fuzzer that attacks a real Weft server process (with a real engine
 * process beside it) the way its users could: an anonymous visitor (raw HTTP
 * request lines, headers, %-escapes, framing, upgrades; http-inputs.ts), the
 * fuzzer's accounts as account holders and as viewer and editor members (every
 * REST route with mutated JSON; rest-inputs.ts), their WebSockets on
 * /sync/<id> (y-websocket messages mutated, truncated, oversized, awareness
 * that claims others' ids; sync-inputs.ts), and engines on /engine with and
 * without the token (engine-inputs.ts). world.ts builds what it attacks.
 *
 * Inputs go in batches. Every other batch runs without the real engine, so
 * the fuzzing engines are the only ones and are handed real jobs (the hub
 * gives a job to the least busy engine, and the idle real one wins ties).
 * After each batch the fuzzer closes its engines and sockets (what they held
 * fails "Engine lost"), starts the real engine again if needed, puts back what
 * it may legitimately undo (memberships, runs, active workflows), and checks:
 * the server process is up and logged no error; /healthz answers; a stock
 * y-websocket client syncs and its edit reaches another; a run started over
 * REST succeeds on the real engine; the owner's stock clients in the fuzzed
 * rooms were never closed; every execution an engine answered for reads back;
 * every input got its answer; and the protected workflow (the fuzzer is only
 * its viewer) is exactly as it was: its Yjs state, definition, members, the
 * owner's grants, its runs.
 *
 *   npm test                      short budget: 2,000 inputs, at most 20 s of sending
 *   npm run test:hostile          long budget (WEFT_HOSTILE_BUDGET=long): 100,000 inputs
 *   WEFT_HOSTILE_SEED=123 npm run test:hostile     replay a seed
 *
 * Settings (each overrides the budget's): WEFT_HOSTILE_SEED (default: from the
 * clock, printed), WEFT_HOSTILE_INPUTS (inputs to try), WEFT_HOSTILE_SECONDS (a
 * cap on the time spent sending them), WEFT_HOSTILE_BATCH (inputs between
 * checks), WEFT_HOSTILE_CONCURRENCY (inputs in flight), WEFT_HOSTILE_LOG (a
 * file that gets every input's description, with the time it was sent, and
 * the inputs that took over 3 s).
 *
 * Input #n draws from its own PRNG stream (seed, n), so a seed replays the
 * same inputs; ids the server makes (random) differ between runs. A failure
 * prints the seed, each broken rule with the input that broke it, and the last
 * inputs sent. Each finding has its regression test in
 * test/integration/hardening.test.ts ("hostile suite findings").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzContext, InputRunner } from './context.ts';
import { EngineFuzzer } from './engine-inputs.ts';
import { closeHttpAgent } from './http-client.ts';
import { httpInput } from './http-inputs.ts';
import { Pools } from './pools.ts';
import { Rand } from './rand.ts';
import { HostileRecord, type InputKind } from './record.ts';
import { restInput } from './rest-inputs.ts';
import { SyncFuzzer } from './sync-inputs.ts';
import {
  api,
  checkExecutionsReadable,
  checkRun,
  checkSync,
  protectedState,
  repair,
  startWorld,
  type World,
} from './world.ts';

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0 (got ${raw})`);
  return value;
};

/** `npm test` runs the short budget; `npm run test:hostile` the long one. */
const BUDGETS = {
  short: { inputs: 2_000, seconds: 20, batch: 700 },
  long: { inputs: 100_000, seconds: 3_600, batch: 2_500 },
} as const;
const budget = process.env.WEFT_HOSTILE_BUDGET === 'long' ? BUDGETS.long : BUDGETS.short;

const seed = envNumber('WEFT_HOSTILE_SEED', Date.now() % 2 ** 32) >>> 0;
const inputs = envNumber('WEFT_HOSTILE_INPUTS', budget.inputs);
const seconds = envNumber('WEFT_HOSTILE_SECONDS', budget.seconds);
const batchSize = Math.max(1, envNumber('WEFT_HOSTILE_BATCH', budget.batch));
const concurrency = Math.max(1, envNumber('WEFT_HOSTILE_CONCURRENCY', 8));

/** How long an input may take before its worker moves on (it is still awaited at the batch's end). */
const DETACH_AFTER_MS = 2_000;
const MAX_DETACHED = 64;
/** Inputs still unanswered this long after the batch's engines closed and its runs stopped are hangs. */
const SETTLE_MS = 30_000;

const n8nFiles = (() => {
  const dir = fileURLToPath(new URL('../../../shared/test/fixtures/n8n/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as unknown);
})();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What differs between two snapshots of the protected workflow, by key. */
const differences = (before: Record<string, unknown>, after: Record<string, unknown>): string[] =>
  Object.keys(before)
    .filter((key) => !isDeepStrictEqual(before[key], after[key]))
    .map((key) => `${key}: ${JSON.stringify(before[key]).slice(0, 300)} → ${JSON.stringify(after[key]).slice(0, 300)}`);

/** Lines of the server's output that are errors: pino level ≥ 50, or anything not JSON (a stack trace). */
const errorLines = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      if (!line.startsWith('{')) return true;
      try {
        return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
      } catch {
        return true;
      }
    });

const describeLogLine = (line: string): string => {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string }; path?: string };
    return `${entry.msg ?? ''}${entry.path ? ` (${entry.path})` : ''}: ${entry.err?.message ?? ''}`.slice(0, 300);
  } catch {
    return line.slice(0, 300);
  }
};

let world: World | undefined;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);

afterAll(async () => {
  closeHttpAgent();
  await world?.stop();
});

describe('hostile suite', () => {
  it(
    `seed ${seed}: up to ${inputs} hostile inputs (${seconds} s at most) leave the server up, syncing, running and the protected workflow unchanged`,
    async () => {
      if (!world) throw new Error('no world');
      const w = world;
      const record = new HostileRecord(process.env.WEFT_HOSTILE_LOG || undefined);
      const pools = new Pools(
        {
          workflow: [w.protectedId, w.playgroundId, w.checkId, ...w.hookIds],
          user: [w.owner.id, w.editor.id, w.viewer.id, w.stranger.id],
          credential: [w.ownerCredentialId],
        },
        w.reserved,
      );
      const ctx: FuzzContext = { world: w, pools, record, n8nFiles };
      const sync = new SyncFuzzer(ctx);
      const engines = new EngineFuzzer(ctx);
      const runners: Record<InputKind, InputRunner> = {
        http: httpInput,
        rest: restInput,
        sync: sync.input,
        engine: engines.input,
      };
      record.slow(`server ${w.baseUrl} (pid ${w.server.child.pid ?? '?'})`);
      const baseline = await protectedState(w);
      const started = Date.now();
      const deadline = started + seconds * 1000;
      let next = 0;
      let checks = 0;
      let outputSeen = w.server.output.length;
      const state = { crashed: false };
      const detached = new Map<Promise<void>, string>();
      /** The server's resident memory (MB) at each check. */
      const memoryByCheck: number[] = [];

      const serverUp = () => w.server.child.exitCode === null && w.server.child.signalCode === null;

      const runOne = async (index: number): Promise<void> => {
        const r = Rand.forInput(seed, index);
        const kind = r.weighted<InputKind>([
          [25, 'http'],
          [35, 'rest'],
          [30, 'sync'],
          [10, 'engine'],
        ]);
        let description = `#${index} ${kind}`;
        const began = performance.now();
        const run = runners[kind](r, {
          ...ctx,
          noted: (text) => {
            description = `#${index} ${text}`;
          },
        })
          .catch((error: unknown) => {
            record.find('the fuzzer runs its inputs', String(error), description);
          })
          .finally(() => {
            const ms = performance.now() - began;
            record.took(kind, ms);
            if (ms > 3_000) record.slow(`${ms.toFixed(0)} ms: ${description}`);
          });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finished = await Promise.race([
          run.then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DETACH_AFTER_MS))),
        ]);
        clearTimeout(timer);
        if (!finished) {
          detached.set(run, description);
          void run.finally(() => detached.delete(run));
        }
        while (detached.size > MAX_DETACHED) await Promise.race(detached.keys());
      };

      const runBatch = async (end: number): Promise<void> => {
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < end && Date.now() < deadline && serverUp()) await runOne(next++);
          }),
        );
      };

      const check = async (): Promise<void> => {
        checks += 1;
        // Fuzzing engines may hold real jobs: closing them fails those runs ("Engine lost"), as it should.
        await engines.closeAll();
        await sync.closeAll();
        try {
          await w.startRealEngine();
        } catch (error) {
          record.find('the engine stays up', `a real engine could not join again: ${(error as Error).message}`, '');
        }
        if (!serverUp()) {
          state.crashed = true;
          record.find(
            'the server stays up',
            `exit ${w.server.child.exitCode ?? w.server.child.signalCode}`,
            record.lastInputs().join('\n'),
          );
          return;
        }
        const step = async (name: string, fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch (error) {
            record.find('liveness', `${name}: ${(error as Error).message}`, record.lastInputs().slice(-5).join('\n'));
          }
        };
        await step('repair', async () => {
          for (const problem of await repair(w)) record.find('the fuzzer cannot take its own access away', problem, '');
        });
        const settleUntil = Date.now() + SETTLE_MS;
        while (detached.size > 0 && Date.now() < settleUntil) await sleep(20);
        for (const description of detached.values()) {
          record.find('every input is answered', `no answer ${SETTLE_MS / 1000} s after the batch ended`, description);
        }
        await step('metrics', async () => {
          const metrics = await api(w.baseUrl, 'GET', '/api/admin/metrics', { token: w.owner.token });
          const memory = (metrics.body as { memory?: { rss: number; heapUsed: number } } | undefined)?.memory;
          if (memory) memoryByCheck.push(Math.round(memory.rss / 1048576));
        });
        await step('/healthz', async () => {
          const health = await api(w.baseUrl, 'GET', '/healthz', { timeoutMs: 5_000 });
          if (health.status !== 200) throw new Error(`status ${health.status}`);
        });
        await step('a stock client syncs', () => checkSync(w, checks));
        await step('a workflow runs', () => checkRun(w));
        await step('executions read back', async () => {
          for (const problem of await checkExecutionsReadable(w, engines.handed.splice(0))) {
            record.find('what an engine stored reads back', problem, '');
          }
        });
        await step('the protected workflow is unchanged', async () => {
          for (const diff of differences(baseline, await protectedState(w))) {
            record.find(
              'no stored document changes that the fuzzer could not write',
              diff,
              record.lastInputs().slice(-5).join('\n'),
            );
          }
        });
        for (const b of w.bystanders) {
          if (b.client.closes.length > 0 || !b.client.provider.wsconnected) {
            record.find(
              'a bad socket closes only itself',
              `${b.name} was closed: ${JSON.stringify(b.client.closes)}`,
              record.lastInputs().slice(-5).join('\n'),
            );
          }
        }
        const engineEnded = w.engine && (w.engine.exitCode ?? w.engine.signalCode);
        if (engineEnded !== undefined && engineEnded !== null) {
          record.find('the engine stays up', `the engine process ended (${engineEnded})`, '');
        }
        const output = w.server.output.slice(outputSeen).join('');
        outputSeen = w.server.output.length;
        for (const line of errorLines(output)) record.find('the server logs no error', describeLogLine(line), '');
        if (!serverUp()) state.crashed = true;
        if (checks % 3 === 0) {
          await step('a new playground', async () => {
            const { from, to } = await w.recyclePlayground();
            sync.retarget(from, to);
            pools.repin('workflow', from, to);
          });
        }
      };

      let printed = false;
      const report = () => {
        if (printed) return;
        printed = true;
        console.log(
          [
            `hostile suite: seed ${seed} (replay: WEFT_HOSTILE_SEED=${seed} npm run test:hostile)`,
            record.summary(),
            `batches checked: ${checks}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
            `server memory (RSS, MB) at the checks: ${memoryByCheck.join(', ') || '-'}`,
            `findings: ${record.findings.length}`,
          ].join('\n'),
        );
      };
      try {
        while (next < inputs && Date.now() < deadline && !state.crashed) {
          // Every other batch the fuzzing engines are the only ones, so they are handed real jobs.
          if (checks % 2 === 1) {
            const ended = await w.stopRealEngine();
            if (ended) record.find('the engine stays up', ended, record.lastInputs().slice(-5).join('\n'));
          }
          await runBatch(Math.min(inputs, next + batchSize));
          await check();
          if (record.findings.length > 0) break;
        }
      } finally {
        report();
      }
      if (record.findings.length > 0) {
        const text = [
          `hostile suite failed with seed ${seed} (replay: WEFT_HOSTILE_SEED=${seed} npm run test:hostile)`,
          ...record.findings.map((f, i) => `${i + 1}. [${f.rule}] ${f.detail}\n   input: ${f.input}`),
          'last inputs:',
          ...record.lastInputs(),
          state.crashed ? `server output (tail):\n${w.server.output.join('').slice(-4000)}` : '',
        ].join('\n');
        expect.fail(text);
      }
      expect(record.total).toBeGreaterThan(0);
      expect(checks).toBeGreaterThan(0);
    },
    // Sending is capped by WEFT_HOSTILE_SECONDS; each batch's checks and settling take at most about a minute more.
    (seconds + 90 * Math.ceil(inputs / batchSize) + 60) * 1000,
  );
});
