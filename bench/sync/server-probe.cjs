// Preloaded into a server under `WEFT_BENCH_PROFILE=<dir> npm run bench:sync` (NODE_OPTIONS
// --require), never in a measured run: the event loop's delay and every GC pause, written to
// <dir>/probe-<pid>.json when the process exits. The servers themselves carry no measuring hooks.
const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.WEFT_BENCH_PROBE_DIR;
if (dir && require('node:worker_threads').isMainThread) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push({ at: e.startTime, ms: e.duration, kind: e.detail?.kind });
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
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
