import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OutputBundle, OutputChunk } from 'rolldown';
import type { Plugin } from 'vite';

/**
 * A vite plugin that fails the web app's build when a budgeted file grows past
 * its budget (gzipped, as it travels): the app's entry with the chunks it
 * imports at start, which everyone loads first; the expression preview's worker, loaded when an expression field
 * first opens; and QuickJS's .wasm. The budgets are the sizes measured when
 * the preview was added plus about 10 %; raise one only with a reason in the
 * commit that does.
 */
/**
 * The app's first load: the entry and every chunk it imports statically (the bundler may move shared code out
 * of the entry into such chunks, which the page loads at once all the same). 264.6 kB on 2026-12-04 (issue 15,
 * step 9); 287.6 kB after partial runs, error workflows and the SMTP and Crypto credential forms, with the run
 * planner loaded only once there is a run to build on; 292.5 kB with sub-workflows (the Execute Workflow node's
 * form and progress, the caller settings, called-by links). Raised to 300 kB then: the next growth should come
 * with a split of the editor's panels, not another raise.
 */
const FIRST_LOAD_MAX_GZIP_BYTES = 300_000;

const BUDGETS: { label: string; pattern: RegExp; maxGzipBytes: number }[] = [
  // 107.8 kB on 2026-12-04: the sandbox's sources and acorn; Luxon, jmespath and the transliteration table load lazily.
  { label: 'expression preview worker', pattern: /^preview-worker-[\w-]+\.js$/, maxGzipBytes: 120_000 },
  // 235.9 kB: @jitl/quickjs-wasmfile-release-sync 0.32.0.
  { label: 'QuickJS wasm', pattern: /^emscripten-module-[\w-]+\.wasm$/, maxGzipBytes: 260_000 },
];

/** Gzipped bytes of the entry chunk and of every chunk it imports statically, transitively. */
const firstLoadBytes = (bundle: OutputBundle): number | undefined => {
  const entry = Object.values(bundle).find(
    (o): o is OutputChunk => o.type === 'chunk' && o.isEntry && /^assets\/index-[\w-]+\.js$/.test(o.fileName),
  );
  if (!entry) return undefined;
  const seen = new Set<string>();
  const todo = [entry.fileName];
  let bytes = 0;
  while (todo.length > 0) {
    const name = todo.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const chunk = bundle[name];
    if (chunk?.type !== 'chunk') continue;
    bytes += gzipSync(chunk.code).length;
    todo.push(...chunk.imports);
  }
  return bytes;
};

export const bundleBudget = (): Plugin => ({
  name: 'weft-bundle-budget',
  apply: 'build',
  writeBundle(options, bundle) {
    if (!options.dir) return;
    const assets = join(options.dir, 'assets');
    const files = readdirSync(assets);
    const over: string[] = [];
    const first = firstLoadBytes(bundle);
    if (first === undefined) over.push('app entry: no entry chunk assets/index-*.js');
    else if (first > FIRST_LOAD_MAX_GZIP_BYTES)
      over.push(`app entry and what it imports at start: ${first} bytes gzipped, budget ${FIRST_LOAD_MAX_GZIP_BYTES}`);
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
