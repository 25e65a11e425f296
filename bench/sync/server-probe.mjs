// Preloaded into a server under `WEFT_BENCH_PROFILE=<dir> npm run bench:sync` (NODE_OPTIONS
// --import), never in a measured run: a CPU profile (Node 20 refuses --cpu-prof in
// NODE_OPTIONS, so the inspector's profiler), the event loop's delay and every GC pause,
// written to <dir>/cpu-<pid>.cpuprofile and <dir>/probe-<pid>.json when the process exits.
// The servers themselves carry no measuring hooks.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.WEFT_BENCH_PROBE_DIR;
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push({ at: e.startTime, ms: e.duration, kind: e.detail?.kind });
  }).observe({ entryTypes: ['gc'] });
  // A server without a handler of its own (the reference) would die of the signal, and a
  // process killed by a signal runs no 'exit' handlers: exit normally instead.
  const onTerm = () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(0);
  };
  process.on('SIGTERM', onTerm);
  process.on('exit', () => {
    // The main thread's session answers synchronously, so this runs to the end inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `cpu-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
    const ms = (ns) => ns / 1e6;
    const byKind = {};
    for (const g of gc) {
      const k = byKind[g.kind] ?? (byKind[g.kind] = { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs += g.ms;
      k.maxMs = Math.max(k.maxMs, g.ms);
    }
    writeFileSync(
      join(dir, `probe-${process.pid}.json`),
      JSON.stringify(
        {
          argv: process.argv.slice(1),
          uptimeS: process.uptime(),
          eventLoopDelayMs: {
            p50: ms(delay.percentile(50)),
            p99: ms(delay.percentile(99)),
            p999: ms(delay.percentile(99.9)),
            max: ms(delay.max),
          },
          gcByKind: byKind,
          gcPausesOver5ms: gc.filter((g) => g.ms > 5).length,
        },
        null,
        2,
      ),
    );
  });
}
