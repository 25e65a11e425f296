import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServerIfNeeded } from '../../scripts/build-server.ts';
import {
  buildUpdateStream,
  coldSync,
  freshEdits,
  leave,
  summarize,
  writeStream,
  type ColdSyncSample,
} from './cold-sync.ts';
import { importN8n, loadN8nDoc } from './n8n-doc.ts';
import { runFanout, type FanoutResult } from './fanout.ts';
import { Inspector } from './inspector.ts';
import { runMemory, type MemoryResult } from './memory.ts';
import { freePort } from '../../shared/test/support/free-port.ts';
import { startReference, startWeft } from '../lib/processes.ts';
import { runSlowReader, type SlowReaderResult } from './slow-reader.ts';
import { fmt, percentile, sleep } from '../lib/stats.ts';
import { storedDoc, weftToken, weftWorkflow } from '../lib/weft-setup.ts';
import { runGuard } from '../lib/guard.ts';
import { SYNC_GUARD } from '../lib/guard-targets.ts';
import { syncGuardFigures } from './guard-figures.ts';

/**
 * `npm run bench:sync`: Weft's relay (auth on, SQLite on disk, the built
 * server as `npm start` runs it) against @y/websocket-server@0.1.1 (memory
 * only), one server at a time, alternating, from one driver, in one run.
 * Prints one table of scenario × server × figures with the ratios, and
 * writes the raw results to bench/results/.
 *
 *   npm run bench:sync                 full run (~12 minutes)
 *   npm run bench:sync -- --quick      short durations, one trial (a smoke run)
 *   npm run bench:sync -- --only fanout,memory,cold,slow
 */
const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = args.quick;
const only = new Set((args.only ?? 'fanout,memory,cold,slow').split(','));
const log = (line: string) => process.stderr.write(`${line}\n`);

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `WEFT_BENCH_PROFILE=<dir>`: every server runs with server-probe.mjs (a CPU profile,
 * event-loop delay, GC pauses), written to <dir> when it exits.
 * For finding where time goes; figures of such a run are not for the table.
 */
const profileDir = process.env.WEFT_BENCH_PROFILE;
const profiled = (env: Record<string, string> = {}): Record<string, string> =>
  profileDir
    ? {
        ...env,
        NODE_OPTIONS: `--import ${join(root, 'bench/sync/server-probe.mjs')}`,
        WEFT_BENCH_PROBE_DIR: profileDir,
      }
    : env;
const tempDir = () => mkdtempSync(join(tmpdir(), 'weft-bench-'));

// ---------- fan-out ----------

interface FanoutRow {
  clients: number;
  weft: FanoutResult[];
  reference: FanoutResult[];
  persisted: { expected: number; stored: number }[];
}

// Every fan-out edits a real n8n workflow (see n8n-doc.ts), as the issue's outside driver did.
const n8n = loadN8nDoc();

const fanoutOnce = async (server: 'weft' | 'reference', clients: number, seconds: number) => {
  const opts = { seconds, warmup: quick ? 1 : 2, rate: 5 };
  if (server === 'reference') {
    const ref = await startReference(profiled());
    try {
      return {
        result: await runFanout(ref, `${ref.wsBase}/fanout-${clients}`, clients, {
          ...opts,
          workflow: { seed: n8n.state },
        }),
      };
    } finally {
      await ref.stop();
    }
  }
  const dir = tempDir();
  const weft = await startWeft(profiled(), dir);
  try {
    const token = await weftToken(weft.httpBase);
    const id = await importN8n(weft.httpBase, token, n8n);
    const created = storedDoc(dir, id).lastSeq;
    const result = await runFanout(weft, `${weft.wsBase}/${id}?token=${token}`, clients, { ...opts, workflow: {} });
    await sleep(500);
    await weft.stop();
    // Every edit after the import must be a committed row.
    const stored = storedDoc(dir, id).lastSeq - created;
    return { result, persisted: { expected: result.editsSent, stored } };
  } finally {
    await weft.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

const runFanoutScenario = async (): Promise<FanoutRow[]> => {
  const rows: FanoutRow[] = [];
  for (const clients of (process.env.WEFT_BENCH_CLIENTS ?? '10,50,100').split(',').map(Number)) {
    const trials = quick ? 1 : clients === 100 ? 3 : 1;
    const seconds = quick ? 5 : 20;
    const row: FanoutRow = { clients, weft: [], reference: [], persisted: [] };
    for (let t = 0; t < trials; t++) {
      // Alternate the order so neither server always runs on a warmer machine.
      for (const server of t % 2 === 0 ? (['weft', 'reference'] as const) : (['reference', 'weft'] as const)) {
        log(`fan-out: ${clients} clients, ${server}, trial ${t + 1}/${trials}`);
        const { result, persisted } = await fanoutOnce(server, clients, seconds);
        row[server].push(result);
        if (persisted) row.persisted.push(persisted);
      }
    }
    rows.push(row);
  }
  return rows;
};

// ---------- memory ----------

const memoryScenario = async (): Promise<{ weft: MemoryResult; reference: MemoryResult }> => {
  const docs = quick ? 100 : 500;
  const rounds = 2;
  log(`memory: ${docs} documents × 2 clients, ${rounds} rounds, weft`);
  const wip = await freePort();
  const weft = await startWeft({}, undefined, [`--inspect=127.0.0.1:${wip}`]);
  let weftResult: MemoryResult;
  try {
    const inspector = await Inspector.connect(wip);
    const token = await weftToken(weft.httpBase);
    const urls: string[][] = [];
    for (let r = 0; r < rounds; r++) {
      const round: string[] = [];
      for (let i = 0; i < docs; i++)
        round.push(`${weft.wsBase}/${await weftWorkflow(weft.httpBase, token, `doc ${r}-${i}`)}?token=${token}`);
      urls.push(round);
    }
    // Rooms unload 2 s (WEFT_ROOM_UNLOAD_MS) after their last client leaves.
    weftResult = await runMemory(weft, inspector, urls, { unloadWaitMs: 3000 });
    inspector.close();
  } finally {
    await weft.stop();
  }
  log(`memory: ${docs} documents × 2 clients, ${rounds} rounds, reference`);
  const rip = await freePort();
  const ref = await startReference({}, [`--inspect=127.0.0.1:${rip}`]);
  let refResult: MemoryResult;
  try {
    const inspector = await Inspector.connect(rip);
    const urls = Array.from({ length: rounds }, (_, r) =>
      Array.from({ length: docs }, (_, i) => `${ref.wsBase}/doc-${r}-${i}`),
    );
    refResult = await runMemory(ref, inspector, urls, { unloadWaitMs: 3000 });
    inspector.close();
  } finally {
    await ref.stop();
  }
  return { weft: weftResult, reference: refResult };
};

// ---------- cold sync ----------

interface ColdResult {
  updates: number;
  encodedBytes: number;
  weft: ReturnType<typeof summarize> & {
    logBytesBefore: number;
    logRowsBefore: number;
    storedBytesAfter: number;
    ratioToEncoded: number;
    fileBytesBefore: number;
    fileBytesAfter: number;
  };
  /** A client that connects while the room unloads (and compacts what its last editor wrote). */
  weftDuringUnload: ReturnType<typeof summarize>;
  weftAfterCrash: ReturnType<typeof summarize> & { logRows: number; restartMsMedian: number };
  reference: ReturnType<typeof summarize>;
}

const coldScenario = async (): Promise<ColdResult> => {
  const count = quick ? 5000 : 20_000;
  const samples = quick ? 3 : 5;
  const stream = buildUpdateStream(count);
  const rooms = async (httpBase: string, token: string) =>
    (
      (await (
        await fetch(`${httpBase}/api/admin/metrics`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { rooms: number }
    ).rooms;

  log(`cold sync: ${count}-update document, weft (log kept until the room unloads)`);
  const dir = tempDir();
  let weftPart: ColdResult['weft'];
  let duringPart: ColdResult['weftDuringUnload'];
  let encodedBytes = 0;
  {
    const unloadMs = 300;
    const weft = await startWeft(
      profiled({ WEFT_COMPACT_EVERY: '1000000', WEFT_ROOM_UNLOAD_MS: String(unloadMs) }),
      dir,
    );
    try {
      const token = await weftToken(weft.httpBase);
      const id = await weftWorkflow(weft.httpBase, token, 'cold');
      const url = `${weft.wsBase}/${id}?token=${token}`;
      const writer = await writeStream(url, stream.updates);
      const before = storedDoc(dir, id);
      await leave(writer);
      while ((await rooms(weft.httpBase, token)) > 0) await sleep(50);
      const after = storedDoc(dir, id);
      const runs: ColdSyncSample[] = [];
      for (let i = 0; i < samples; i++) {
        const sample = await coldSync(url, stream.writer);
        encodedBytes = (await import('yjs')).encodeStateAsUpdate(sample.doc).byteLength;
        runs.push(sample);
        while ((await rooms(weft.httpBase, token)) > 0) await sleep(50);
      }
      weftPart = {
        ...summarize(runs),
        logBytesBefore: before.logBytes,
        logRowsBefore: before.logRows,
        storedBytesAfter: after.snapshotBytes + after.logBytes,
        ratioToEncoded: (after.snapshotBytes + after.logBytes) / encodedBytes,
        fileBytesBefore: before.fileBytes,
        fileBytesAfter: after.fileBytes,
      };
      // Someone edits (a session of 200 moves) and leaves; the room unloads `unloadMs` later and
      // compacts them into a new snapshot; a fresh client connects around then. Only samples
      // that connected before that snapshot was written and were answered after it count: they
      // met the unload in progress (the snapshot's time is read from the file).
      log(`cold sync: ${count}-update document, weft, a client connecting while the room unloads`);
      const during: ColdSyncSample[] = [];
      let attempts = 0;
      for (let i = 0; during.length < samples && attempts < samples * 8; i++, attempts++) {
        const editor = await writeStream(url, freshEdits(stream.finalState, 200).updates);
        await leave(editor);
        await sleep(unloadMs - 4 + (i % 8) * 3);
        const sample = await coldSync(url, stream.writer);
        while ((await rooms(weft.httpBase, token)) > 0) await sleep(50);
        const written = snapshotWrittenAt(dir, id);
        if (written >= sample.connectAt && written <= sample.firstReplyAt) during.push(sample);
      }
      if (during.length === 0) throw new Error('no client connected while the room unloaded');
      log(`  ${during.length} of ${attempts} clients connected during the unload`);
      duringPart = summarize(during);
    } finally {
      await weft.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  log(`cold sync: ${count}-update document, weft after kill -9 (snapshot plus a 499-update log tail)`);
  let crashPart: ColdResult['weftAfterCrash'];
  {
    // All but the last 499 updates are written and folded into a snapshot when the room
    // unloads; the last 499 (one short of WEFT_COMPACT_EVERY) stay in the log because the
    // server is killed before it could compact them: the longest tail a load can meet.
    const crashDir = tempDir();
    const env = { WEFT_ROOM_UNLOAD_MS: '300', WEFT_COMPACT_EVERY: '500' };
    let weft = await startWeft(profiled(env), crashDir);
    try {
      const token = await weftToken(weft.httpBase);
      const id = await weftWorkflow(weft.httpBase, token, 'crash');
      const warmId = await weftWorkflow(weft.httpBase, token, 'warm-up');
      const url = () => `${weft.wsBase}/${id}?token=${token}`;
      const split = stream.updates.length - 499;
      await leave(await writeStream(url(), stream.updates.slice(0, split)));
      while ((await rooms(weft.httpBase, token)) > 0) await sleep(50);
      const runs: ColdSyncSample[] = [];
      const restartMs: number[] = [];
      let logRows = 0;
      for (let i = 0; i < samples; i++) {
        // The first tail is the stream's own last 499; later ones are 499 moves by another client.
        const tail =
          i === 0
            ? { updates: stream.updates.slice(split), writer: stream.writer }
            : freshEdits(stream.finalState, 499);
        const writer = await writeStream(url(), tail.updates);
        await weft.stop('SIGKILL');
        writer.terminate();
        logRows = storedDoc(crashDir, id).logRows;
        const started = performance.now();
        weft = await startWeft(profiled(env), crashDir);
        restartMs.push(performance.now() - started);
        // A first sync elsewhere, so the sample measures the log tail, not a cold process.
        await coldSync(`${weft.wsBase}/${warmId}?token=${token}`, { clientID: 0, clock: 0 });
        runs.push(await coldSync(url(), tail.writer));
      }
      // The last one of a profiled run stops normally, so its profile is written.
      if (profileDir) await weft.stop('SIGTERM');
      crashPart = { ...summarize(runs), logRows, restartMsMedian: percentile(restartMs, 50) };
    } finally {
      await weft.stop();
      rmSync(crashDir, { recursive: true, force: true });
    }
  }

  log(`cold sync: ${count}-update document, reference (LevelDB persistence)`);
  let refPart: ColdResult['reference'];
  {
    const ref = await startReference({ YPERSISTENCE: './leveldb' });
    try {
      const url = `${ref.wsBase}/cold`;
      await leave(await writeStream(url, stream.updates));
      await sleep(1000);
      const runs: ColdSyncSample[] = [];
      for (let i = 0; i < samples; i++) {
        runs.push(await coldSync(url, stream.writer));
        await sleep(1000);
      }
      refPart = summarize(runs);
    } finally {
      await ref.stop();
    }
  }
  return {
    updates: stream.updates.length,
    encodedBytes,
    weft: weftPart,
    weftDuringUnload: duringPart,
    weftAfterCrash: crashPart,
    reference: refPart,
  };
};

/** When the document's snapshot was last written (ms since the epoch). */
const snapshotWrittenAt = (dataDir: string, docId: string): number => {
  const db = new Database(join(dataDir, 'weft.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select updated_at as at from doc_snapshots where doc_id = ?').get(docId) as
      { at: number } | undefined;
    return row?.at ?? 0;
  } finally {
    db.close();
  }
};

// ---------- slow reader ----------

const slowScenario = async (): Promise<{ weft: SlowReaderResult; reference: SlowReaderResult }> => {
  const opts = { seconds: quick ? 10 : 30, writers: 4, updateBytes: 10 * 1024, rate: 50 };
  log(`slow reader: 4 writers × 10 KB × 50/s, one client stops reading, ${opts.seconds} s, weft`);
  const weft = await startWeft();
  let w: SlowReaderResult;
  try {
    const token = await weftToken(weft.httpBase);
    const id = await weftWorkflow(weft.httpBase, token, 'slow');
    w = await runSlowReader(weft, `${weft.wsBase}/${id}?token=${token}`, opts);
  } finally {
    await weft.stop();
  }
  log(`slow reader: reference`);
  const ref = await startReference(profiled());
  let r: SlowReaderResult;
  try {
    r = await runSlowReader(ref, `${ref.wsBase}/slow`, opts);
  } finally {
    await ref.stop();
  }
  return { weft: w, reference: r };
};

// ---------- report ----------

const median = (xs: number[]) => percentile(xs, 50);
const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 2)}×` : '—');
/** A target with whether this run met it. */
const target = (text: string, met: boolean) => `${text} ${met ? '✓' : '✗'}`;
/** Issue 18's targets for the relay. */
const P99_TARGET_MS = 10;
const CPU_RATIO_TARGET = 0.7;
const COLD_TARGET_MS = 50;

const report = (results: {
  fanout?: FanoutRow[];
  memory?: { weft: MemoryResult; reference: MemoryResult };
  cold?: ColdResult;
  slow?: { weft: SlowReaderResult; reference: SlowReaderResult };
}): string => {
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('| scenario | figure | weft | reference | weft / reference | target |');
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const f of results.fanout ?? []) {
    const w = (k: keyof FanoutResult) => median(f.weft.map((r) => r[k] as number));
    const r = (k: keyof FanoutResult) => median(f.reference.map((x) => x[k] as number));
    const n = `fan-out 1 n8n workflow (${n8n.nodes} nodes) × ${f.clients} clients × 5 edits/s${f.weft.length > 1 ? ` (median of ${f.weft.length})` : ''}`;
    row(
      n,
      'deliveries/s (expected ' + fmt(f.clients * (f.clients - 1) * 5, 0) + ')',
      fmt(w('deliveriesPerSec'), 0),
      fmt(r('deliveriesPerSec'), 0),
      ratio(w('deliveriesPerSec'), r('deliveriesPerSec')),
      'same',
    );
    row(
      n,
      'latency p50 / p99 / max (ms)',
      `${fmt(w('p50'))} / ${fmt(w('p99'))} / ${fmt(w('max'), 0)}`,
      `${fmt(r('p50'))} / ${fmt(r('p99'))} / ${fmt(r('max'), 0)}`,
      ratio(w('p99'), r('p99')),
      f.clients === 100 ? target(`p99 ≤ ${P99_TARGET_MS} ms`, w('p99') <= P99_TARGET_MS) : '',
    );
    row(
      n,
      'server CPU (% of a core)',
      fmt(w('cpuPercent'), 0),
      fmt(r('cpuPercent'), 0),
      ratio(w('cpuPercent'), r('cpuPercent')),
      '',
    );
    row(
      n,
      'server CPU per delivery (µs)',
      fmt(w('cpuMicrosPerDelivery'), 2),
      fmt(r('cpuMicrosPerDelivery'), 2),
      ratio(w('cpuMicrosPerDelivery'), r('cpuMicrosPerDelivery')),
      f.clients === 100
        ? target(`≤ ${CPU_RATIO_TARGET}×`, w('cpuMicrosPerDelivery') / r('cpuMicrosPerDelivery') <= CPU_RATIO_TARGET)
        : '',
    );
    row(n, 'echoes to the sender', fmt(w('echoes'), 0), fmt(r('echoes'), 0), '', 'none');
    const persisted = f.persisted.every((p) => p.stored === p.expected);
    row(
      n,
      'edits persisted (committed rows / edits sent)',
      f.persisted.map((p) => `${p.stored}/${p.expected}`).join(', ') + (persisted ? ' ✓' : ' ✗'),
      'memory only',
      '',
      'all',
    );
    if (f.weft.length > 1) {
      const perTrial = f.weft
        .map((x, i) => fmt(x.cpuMicrosPerDelivery / (f.reference[i]?.cpuMicrosPerDelivery ?? Number.NaN), 2))
        .join(', ');
      row(n, 'CPU-per-delivery ratio in each trial', perTrial, '', '', '');
    }
  }
  if (results.memory) {
    const { weft: w, reference: r } = results.memory;
    const m = (b: number) => fmt(b / 1048576, 1);
    const n = `${w.docs} docs × 2 clients (memory read after a full GC)`;
    row(
      n,
      'connect to synced p50 / p99 (ms), 100 at a time',
      `${fmt(w.rounds[0]?.connectMsP50 ?? NaN, 0)} / ${fmt(w.rounds[0]?.connectMsP99 ?? NaN, 0)}`,
      `${fmt(r.rounds[0]?.connectMsP50 ?? NaN, 0)} / ${fmt(r.rounds[0]?.connectMsP99 ?? NaN, 0)}`,
      '',
      '',
    );
    row(
      n,
      'RSS per loaded document (KB)',
      fmt(w.rssPerDocKB, 1),
      fmt(r.rssPerDocKB, 1),
      ratio(w.rssPerDocKB, r.rssPerDocKB),
      '≤ 60 KB',
    );
    row(
      n,
      'heap per loaded document (KB)',
      fmt(w.heapPerDocKB, 1),
      fmt(r.heapPerDocKB, 1),
      ratio(w.heapPerDocKB, r.heapPerDocKB),
      '',
    );
    row(
      n,
      'heap returned after the clients left',
      `${fmt(w.heapReturnedPercent, 0)} %`,
      `${fmt(r.heapReturnedPercent, 0)} %`,
      '',
      'returned',
    );
    row(
      n,
      'RSS MB: baseline → loaded → left (round 1; round 2)',
      `${m(w.baseline.rss)} → ${m(w.rounds[0]?.loaded.rss ?? 0)} → ${m(w.rounds[0]?.left.rss ?? 0)}; ${m(w.rounds[1]?.loaded.rss ?? 0)} → ${m(w.rounds[1]?.left.rss ?? 0)}`,
      `${m(r.baseline.rss)} → ${m(r.rounds[0]?.loaded.rss ?? 0)} → ${m(r.rounds[0]?.left.rss ?? 0)}; ${m(r.rounds[1]?.loaded.rss ?? 0)} → ${m(r.rounds[1]?.left.rss ?? 0)}`,
      '',
      '',
    );
    row(
      n,
      'heap MB: baseline → left (round 1; round 2)',
      `${m(w.baseline.heapUsed)} → ${m(w.rounds[0]?.left.heapUsed ?? 0)}; ${m(w.rounds[1]?.left.heapUsed ?? 0)}`,
      `${m(r.baseline.heapUsed)} → ${m(r.rounds[0]?.left.heapUsed ?? 0)}; ${m(r.rounds[1]?.left.heapUsed ?? 0)}`,
      '',
      'flat across rounds',
    );
  }
  if (results.cold) {
    const c = results.cold;
    const n = `cold sync of a ${c.updates}-update document (state ${fmt(c.encodedBytes / 1024, 0)} KB)`;
    row(
      n,
      'first reply complete?',
      c.weft.firstReplyComplete ? 'yes' : 'NO',
      c.reference.firstReplyComplete ? 'yes' : 'no (empty)',
      '',
      'yes',
    );
    row(
      n,
      'first reply median / max (ms)',
      `${fmt(c.weft.firstReplyMsMedian)} / ${fmt(c.weft.firstReplyMsMax)}`,
      `${fmt(c.reference.firstReplyMsMedian)} / ${fmt(c.reference.firstReplyMsMax)}`,
      '',
      target(`≤ ${COLD_TARGET_MS} ms, complete`, c.weft.firstReplyComplete && c.weft.firstReplyMsMax <= COLD_TARGET_MS),
    );
    row(
      n,
      'whole document received, median / max (ms)',
      `${fmt(c.weft.completeMsMedian)} / ${fmt(c.weft.completeMsMax)}`,
      `${fmt(c.reference.completeMsMedian)} / ${fmt(c.reference.completeMsMax)}`,
      ratio(c.weft.completeMsMedian, c.reference.completeMsMedian),
      '',
    );
    row(
      n,
      'connecting while the room unloads: first reply median / max (ms)',
      `${fmt(c.weftDuringUnload.firstReplyMsMedian)} / ${fmt(c.weftDuringUnload.firstReplyMsMax)}${c.weftDuringUnload.firstReplyComplete ? ', complete' : ', INCOMPLETE'}`,
      '',
      '',
      target(
        `≤ ${COLD_TARGET_MS} ms, complete`,
        c.weftDuringUnload.firstReplyComplete && c.weftDuringUnload.firstReplyMsMax <= COLD_TARGET_MS,
      ),
    );
    row(
      n,
      'after kill -9: log tail rows; restart to healthy (median, ms); first reply median / max (ms)',
      `${c.weftAfterCrash.logRows} rows; ${fmt(c.weftAfterCrash.restartMsMedian, 0)}; ${fmt(c.weftAfterCrash.firstReplyMsMedian)} / ${fmt(c.weftAfterCrash.firstReplyMsMax)}${c.weftAfterCrash.firstReplyComplete ? ', complete' : ', INCOMPLETE'}`,
      '',
      '',
      target(
        `≤ ${COLD_TARGET_MS} ms, complete`,
        c.weftAfterCrash.firstReplyComplete && c.weftAfterCrash.firstReplyMsMax <= COLD_TARGET_MS,
      ),
    );
    row(
      n,
      'stored bytes: log before → after compaction',
      `${fmt(c.weft.logBytesBefore / 1024, 0)} KB (${c.weft.logRowsBefore} rows) → ${fmt(c.weft.storedBytesAfter / 1024, 0)} KB`,
      'LevelDB',
      '',
      '',
    );
    row(
      n,
      'stored bytes after compaction ÷ Y.encodeStateAsUpdate',
      `${fmt(c.weft.ratioToEncoded, 2)}×`,
      '',
      '',
      '≤ 1.5×',
    );
    row(
      n,
      'SQLite file before → after (KB; pages are reused, not returned)',
      `${fmt(c.weft.fileBytesBefore / 1024, 0)} → ${fmt(c.weft.fileBytesAfter / 1024, 0)}`,
      '',
      '',
      '',
    );
  }
  if (results.slow) {
    const { weft: w, reference: r } = results.slow;
    const n = `slow reader (4 writers × 10 KB × 50/s, ${fmt(w.seconds, 0)} s)`;
    row(
      n,
      'server RSS growth (MB)',
      fmt(w.rssGrowthMB, 1),
      fmt(r.rssGrowthMB, 1),
      ratio(w.rssGrowthMB, r.rssGrowthMB),
      '≤ 20 MB',
    );
    row(n, 'growth rate (MB/min)', fmt(w.growthMBPerMinute, 0), fmt(r.growthMBPerMinute, 0), '', '');
    row(
      n,
      'stalled socket closed by the server',
      w.stalledClosed ? 'yes' : 'NO',
      r.stalledClosed ? 'yes' : 'no',
      '',
      'yes',
    );
    row(
      n,
      'healthy reader got every update',
      `${w.healthyReceived}/${w.healthyExpected}`,
      `${r.healthyReceived}/${r.healthyExpected}`,
      '',
      'all',
    );
  }
  return lines.join('\n');
};

// ---------- main ----------

await buildServerIfNeeded();
const started = Date.now();
const results: Parameters<typeof report>[0] = {};
if (only.has('fanout')) results.fanout = await runFanoutScenario();
if (only.has('memory')) results.memory = await memoryScenario();
if (only.has('cold')) results.cold = await coldScenario();
if (only.has('slow')) results.slow = await slowScenario();
const table = report(results);
const outDir = join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(outDir, `sync-${stamp}.json`), JSON.stringify({ quick, results }, null, 2));
writeFileSync(join(outDir, `sync-${stamp}.md`), `${table}\n`);
process.stdout.write(
  `\n${table}\n\n(${((Date.now() - started) / 60000).toFixed(1)} minutes; raw results in bench/results/sync-${stamp}.json)\n`,
);
// --quick is CI's regression guard: fails the run past a target's margin (bench/lib/guard.ts).
if (quick) runGuard('bench:sync --quick', SYNC_GUARD, syncGuardFigures(results));
