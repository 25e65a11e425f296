import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * A vite plugin that adds the files of the build's Web Workers (the
 * expression preview: its lazy chunks, QuickJS's .wasm, Luxon, the zone data)
 * to the build's manifest. Vite lists the worker's entry there but not what
 * the worker's own bundle emits, and the service worker keeps exactly what the
 * manifest lists: without this the preview would not work offline.
 */
export const workerFilesInManifest = (manifestName: string): Plugin => ({
  name: 'weft-worker-files-in-manifest',
  apply: 'build',
  writeBundle(options) {
    const outDir = options.dir;
    if (!outDir) return;
    const path = join(outDir, manifestName);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<
      string,
      { file: string; css?: string[]; assets?: string[] }
    >;
    const listed = new Set<string>();
    for (const chunk of Object.values(manifest)) {
      for (const f of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) listed.add(f);
    }
    const unlisted = readdirSync(join(outDir, 'assets'))
      .filter((f) => !f.endsWith('.map'))
      .map((f) => `assets/${f}`)
      .filter((f) => !listed.has(f))
      .sort();
    if (unlisted.length === 0) return;
    // An entry of its own, read by the service worker like any other (file and assets).
    manifest['weft:worker-files'] = { file: unlisted[0] ?? '', assets: unlisted.slice(1) };
    writeFileSync(path, JSON.stringify(manifest, null, 2));
  },
});
