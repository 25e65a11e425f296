import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * A vite plugin that fails the web app's build when a budgeted file grows past
 * its budget (gzipped, as it travels): the app's entry, which everyone loads
 * first; the expression preview's worker, loaded when an expression field
 * first opens; and QuickJS's .wasm. The budgets are the sizes measured when
 * the preview was added plus about 10 %; raise one only with a reason in the
 * commit that does.
 */
const BUDGETS: { label: string; pattern: RegExp; maxGzipBytes: number }[] = [
  // 264.6 kB on 2026-12-04 (issue 15, step 9).
  { label: 'app entry (index-*.js)', pattern: /^index-[\w-]+\.js$/, maxGzipBytes: 291_000 },
  // 107.8 kB on 2026-12-04: the sandbox's sources and acorn; Luxon, jmespath and the transliteration table load lazily.
  { label: 'expression preview worker', pattern: /^preview-worker-[\w-]+\.js$/, maxGzipBytes: 120_000 },
  // 235.9 kB: @jitl/quickjs-wasmfile-release-sync 0.32.0.
  { label: 'QuickJS wasm', pattern: /^emscripten-module-[\w-]+\.wasm$/, maxGzipBytes: 260_000 },
];

export const bundleBudget = (): Plugin => ({
  name: 'weft-bundle-budget',
  apply: 'build',
  writeBundle(options) {
    if (!options.dir) return;
    const assets = join(options.dir, 'assets');
    const files = readdirSync(assets);
    const over: string[] = [];
    for (const { label, pattern, maxGzipBytes } of BUDGETS) {
      const matching = files.filter((f) => pattern.test(f));
      if (matching.length !== 1) {
        over.push(`${label}: expected one file matching ${String(pattern)}, found ${matching.length}`);
        continue;
      }
      const size = gzipSync(readFileSync(join(assets, matching[0] ?? ''))).length;
      if (size > maxGzipBytes) over.push(`${label}: ${size} bytes gzipped, budget ${maxGzipBytes}`);
    }
    if (over.length > 0) throw new Error(`the web app is over its size budget:\n  ${over.join('\n  ')}`);
  },
});
