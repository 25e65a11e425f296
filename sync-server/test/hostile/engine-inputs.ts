import WebSocket from 'ws';
import { serverToEngineSchema, type Job } from '#shared/protocol/engine.ts';
import { noteInput, type FuzzContext, type InputRunner } from './context.ts';
import {
  deepNest,
  deepNestText,
  hostileObject,
  hostileValue,
  hugeString,
  mutateJson,
  nastyString,
  summarize,
  toJsonText,
} from './corpus.ts';
import type { Rand } from './rand.ts';

/**
 * Engine inputs: the fuzzer connects to /engine (with the token, or a wrong
 * one) as up to three engines and says hello, heartbeats, node events and
 * results — valid, mutated, for executions it holds (the hub hands it real
 * jobs) and for ones it does not, with huge items, bad statuses, JSON text
 * that is not JSON where the server stores JSON, deeply nested answers,
 * batches past the limit, binary and non-JSON frames.
 *
 * Rules: a bad message closes that engine's socket only (4400, or 4401 for a
 * wrong token), never the server; every job the server hands out is a valid
 * job. What the server stores from an engine is read back by the checks
 * (and by the REST fuzzer, through the ids it learns).
 */

interface EngineSlot {
  name: string;
  ws: WebSocket | undefined;
  /** Jobs handed to this engine and not yet answered. */
  held: Map<string, Job>;
  busy: Promise<void>;
  lastInput: string;
  closingByUs: boolean;
}

const ALLOWED_CLOSES = new Set([1000, 1002, 1005, 1006, 1007, 1009, 4400, 4401, 4408]);

const runsOf = (r: Rand, job: Job): unknown[] => {
  const nodes = Array.isArray(job.definition.nodes) ? (job.definition.nodes as { id?: unknown; name?: unknown }[]) : [];
  const now = Date.now();
  return nodes.slice(0, 50).map((n, i) => ({
    nodeId: typeof n.id === 'string' ? n.id : `n${i}`,
    name: typeof n.name === 'string' ? n.name : 'x',
    runIndex: 0,
    status: r.chance(0.8) ? 'succeeded' : 'failed',
    input: r.weighted<() => string>([
      [6, () => '{"main":[[{"json":{}}]]}'],
      [1, () => r.pick(['not json', '', '{', 'undefined', '\u0000'])],
      [1, () => deepNestText(r.pick([100, 5_000, 50_000]))],
      [1, () => JSON.stringify({ main: [[{ json: { big: hugeString(r) } }]] })],
    ])(),
    output: r.weighted<() => string>([
      [6, () => '{"main":[[{"json":{"ok":true}}]]}'],
      [1, () => r.pick(['not json', '', '[', '{"__proto__":{"x":1}}'])],
      [1, () => deepNestText(r.pick([100, 5_000, 50_000]))],
    ])(),
    attempts: 1,
    startedAt: now - 5,
    finishedAt: now,
    ...(r.chance(0.2) ? { error: nastyString(r) } : {}),
  }));
};

const resultFor = (r: Rand, job: Job | undefined): Record<string, unknown> => ({
  status: r.weighted([
    [8, 'succeeded'],
    [2, 'failed'],
    [1, 'canceled'],
  ]),
  ...(r.chance(0.3) ? { error: nastyString(r) } : {}),
  runs: job ? runsOf(r, job) : [],
  lastOutput: r.weighted<() => unknown>([
    [6, () => [{ json: { ok: true, n: r.int(0, 100) } }]],
    [1, () => [{ json: { deep: deepNest(r.pick([100, 5_000, 20_000])) } }]],
    [1, () => [{ json: hostileObject(r) }]],
    [1, () => []],
  ])(),
  ...(r.chance(0.6)
    ? {
        response: {
          status: r.weighted([
            [6, 200],
            [1, r.pick([0, 99, 100, 101, 204, 304, 599, 600, 99999, -1])],
          ]),
          headers: r.chance(0.7)
            ? { 'x-fuzz': 'yes' }
            : { 'set-cookie': 'a=b', 'x-crlf': 'a\r\nb', 'bad name': 'x', 'content-length': '5', '': 'x' },
          body: r.weighted<() => unknown>([
            [5, () => ({ answered: true })],
            [1, () => nastyString(r)],
            [1, () => deepNest(r.pick([2_000, 5_000, 20_000]))],
            [1, () => hostileValue(r)],
          ])(),
        },
      }
    : {}),
  ...(r.chance(0.2)
    ? {
        logs: Array.from({ length: r.pick([1, 10, 1001, 1002]) }, (_, i) => ({
          at: Date.now(),
          level: r.pick(['info', 'warn', 'error']),
          message: r.chance(0.9) ? `line ${i}` : 'x'.repeat(4001),
        })),
      }
    : {}),
});

const eventFor = (r: Rand, executionId: string, job: Job | undefined): Record<string, unknown> => {
  const nodes = job && Array.isArray(job.definition.nodes) ? (job.definition.nodes as { id?: unknown }[]) : [];
  const known = nodes.map((n) => n.id).filter((id): id is string => typeof id === 'string');
  return {
    type: 'event',
    executionId,
    event: {
      nodeId:
        known.length > 0 && r.chance(0.7) ? r.pick(known) : r.pick(['__proto__', 'constructor', 'x', nastyString(r)]),
      name: r.chance(0.9) ? r.word() : hugeString(r),
      status: r.pick(['queued', 'running', 'succeeded', 'failed', 'skipped']),
      runIndex: r.int(0, 3),
      ...(r.chance(0.5) ? { itemsOut: { main: r.int(0, 10), __proto__x: 1 } } : {}),
      ...(r.chance(0.3) ? { durationMs: r.pick([1, -1, 1e308]) } : {}),
      ...(r.chance(0.3) ? { startedAt: Date.now() } : {}),
      ...(r.chance(0.2) ? { error: nastyString(r) } : {}),
    },
  };
};

export class EngineFuzzer {
  private readonly slots: EngineSlot[] = ['engine A', 'engine B', 'engine C'].map((name) => ({
    name,
    ws: undefined,
    held: new Map(),
    busy: Promise.resolve(),
    lastInput: '',
    closingByUs: false,
  }));

  constructor(private readonly ctx: FuzzContext) {}

  /** Every execution id a fuzzing engine was handed (the checks read them back). */
  readonly handed: string[] = [];

  readonly input: InputRunner = async (r, ctx) => {
    const slot = r.pick(this.slots);
    const previous = slot.busy;
    let release!: () => void;
    slot.busy = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      await this.send(r, slot, ctx);
    } finally {
      release();
    }
  };

  /** Closes every fuzzing engine (before the checks): the hub fails what they held ("Engine lost"). */
  async closeAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        await slot.busy;
        const ws = slot.ws;
        slot.ws = undefined;
        slot.held.clear();
        if (!ws || ws.readyState === WebSocket.CLOSED) return;
        slot.closingByUs = true;
        const closed = new Promise((resolve) => ws.once('close', resolve));
        ws.close(1000, 'batch over');
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
        ws.terminate();
      }),
    );
  }

  private async open(r: Rand, slot: EngineSlot): Promise<WebSocket | undefined> {
    const { world } = this.ctx;
    slot.held.clear();
    slot.closingByUs = false;
    const token = r.weighted([
      [12, world.engineToken],
      [1, r.pick(['', 'wrong-token-0123456789', `${world.engineToken}x`, '%ff'])],
    ]);
    const ws = new WebSocket(`ws://127.0.0.1:${world.port}/engine${token === '' ? '' : `?token=${token}`}`, {
      perMessageDeflate: false,
    });
    slot.ws = ws;
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const message = serverToEngineSchema.safeParse(parsed);
      if (!message.success) {
        this.ctx.record.find('the server hands engines valid messages', data.toString().slice(0, 200), slot.lastInput);
        return;
      }
      if (message.data.type === 'run') {
        this.ctx.record.reach('job handed to a fuzzing engine');
        slot.held.set(message.data.job.executionId, message.data.job);
        this.handed.push(message.data.job.executionId);
        this.ctx.pools.add('execution', message.data.job.executionId);
      } else if (message.data.type === 'cancel') slot.held.delete(message.data.executionId);
    });
    ws.on('close', (code) => {
      if (slot.ws === ws) slot.ws = undefined;
      if (slot.closingByUs) return;
      this.ctx.record.close('engine', code);
      if (!ALLOWED_CLOSES.has(code)) {
        this.ctx.record.find('a bad engine message closes that engine only', `close ${code}`, slot.lastInput);
      }
    });
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
      ws.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!opened) return undefined;
    if (r.chance(0.9))
      ws.send(JSON.stringify({ type: 'hello', engineId: `fuzz-${slot.name}`, concurrency: r.pick([1, 2, 5, 50]) }));
    return ws;
  }

  private message(r: Rand, slot: EngineSlot): string | Buffer {
    const held = [...slot.held.keys()];
    const heldId = held.length > 0 ? r.pick(held) : undefined;
    const executionId = () =>
      r.weighted<() => string>([
        [heldId ? 6 : 0, () => heldId ?? 'x'],
        [2, () => this.ctx.pools.pick(r, 'execution')],
        [1, () => nastyString(r)],
      ])();
    const pickMessage = (): unknown =>
      r.weighted<() => unknown>([
        [3, () => ({ type: 'heartbeat' })],
        [
          1,
          () => ({
            type: 'hello',
            engineId: r.chance(0.5) ? r.word() : nastyString(r),
            concurrency: r.pick([1, 0, 1000, 1001, -1, 1.5, 1e9]),
          }),
        ],
        [
          5,
          () => {
            const id = executionId();
            return eventFor(r, id, slot.held.get(id));
          },
        ],
        [
          5,
          () => {
            const id = executionId();
            if (slot.held.has(id)) this.ctx.record.reach('result for a held job');
            return { type: 'finished', executionId: id, result: resultFor(r, slot.held.get(id)) };
          },
        ],
        [1, () => ({ type: r.pick(['run', 'cancel', 'bye', '', '__proto__']), executionId: executionId() })],
        // Execute Workflow's request for a child run: for held runs and others, any workflow, any items.
        [
          2,
          () => ({
            type: 'subrun',
            executionId: executionId(),
            requestId: r.chance(0.9) ? `req-${r.int(0, 1000)}` : nastyString(r),
            nodeId: r.chance(0.8) ? 'call' : nastyString(r),
            workflowId: r.chance(0.7) ? this.ctx.pools.pick(r, 'workflow') : nastyString(r),
            version: r.pick(['published', 'named', 'draft', 'latest']),
            ...(r.chance(0.3) ? { versionName: nastyString(r) } : {}),
            items: r.weighted<() => string>([
              [4, () => '[{"json":{"a":1}}]'],
              [1, () => nastyString(r)],
              [1, () => JSON.stringify([{ json: hostileObject(r) }])],
              [1, () => deepNestText(r.pick([1_000, 50_000]))],
            ])(),
            wait: r.chance(0.7),
          }),
        ],
      ])();
    return r.weighted<() => string | Buffer>([
      // An engine holding jobs mostly answers for them, so their results get stored and read back.
      [
        heldId ? 12 : 0,
        () =>
          toJsonText(
            r.chance(0.5)
              ? eventFor(r, heldId ?? 'x', slot.held.get(heldId ?? 'x'))
              : this.finishedFor(r, slot, heldId ?? 'x'),
          ),
      ],
      [12, () => toJsonText(r.chance(0.2) ? mutateJson(r, pickMessage()) : pickMessage())],
      [2, () => toJsonText(Array.from({ length: r.size(50) }, pickMessage))],
      [0.2, () => toJsonText(Array.from({ length: 10_001 }, () => ({ type: 'heartbeat' })))],
      [1, () => r.pick(['', 'null', '42', '"hello"', '{', '{"type":"hello"', deepNestText(r.pick([1_000, 50_000]))])],
      [0.5, () => Buffer.from(r.bytes(r.size(100)))],
    ])();
  }

  private finishedFor(r: Rand, slot: EngineSlot, executionId: string): Record<string, unknown> {
    this.ctx.record.reach('result for a held job');
    return { type: 'finished', executionId, result: resultFor(r, slot.held.get(executionId)) };
  }

  private async send(r: Rand, slot: EngineSlot, ctx: FuzzContext): Promise<void> {
    let ws = slot.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) ws = await this.open(r, slot);
    const data = this.message(r, slot);
    slot.lastInput = noteInput(
      ctx,
      'engine',
      `${slot.name}: ${typeof data === 'string' ? summarize(data, 400) : `binary ${data.toString('hex').slice(0, 80)}`}`,
    );
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(data, { binary: typeof data !== 'string' });
    // Let the server read it before the next input on this engine, so a close belongs to this one.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
