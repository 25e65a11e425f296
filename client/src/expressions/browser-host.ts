import variant from '@jitl/quickjs-wasmfile-release-sync';
import wasmLocation from '@jitl/quickjs-wasmfile-release-sync/wasm?url';
import zonesUrl from 'moment-timezone/data/packed/latest.json?url';
import { newVariant } from 'quickjs-emscripten-core';
import { jmespathAsFunction, parsePackedZones, timeAssetsFrom } from '#shared/sandbox/asset-text.ts';
import type { SandboxHost, TimeAssets } from '#shared/sandbox/host.ts';

/**
 * The sandbox in the browser's preview worker. The WebAssembly file is
 * located explicitly (`?url`): Vite's dependency pre-bundling loses the file
 * the emscripten loader finds through `import.meta.url` (vitejs/vite#8427).
 * Luxon, the zone data and jmespath are fetched only for an expression that
 * needs them (see loadAssetsFor): most expressions never read the time.
 */

/** Thrown by the host when the sandbox asks for text that was not loaded: the worker loads it and tries again. */
export const ASSET_NOT_LOADED = 'weft-preview-asset-not-loaded';

let time: TimeAssets | undefined;
let jmespath: string | undefined;
let transliteration: string | undefined;

export const browserSandboxHost: SandboxHost = {
  variant: () => newVariant(variant, { wasmLocation }),
  timeAssets: () => {
    if (!time) throw new Error(ASSET_NOT_LOADED);
    return time;
  },
  jmespath: () => {
    if (jmespath === undefined) throw new Error(ASSET_NOT_LOADED);
    return jmespath;
  },
  transliteration: () => {
    if (transliteration === undefined) throw new Error(ASSET_NOT_LOADED);
    return transliteration;
  },
  // The browser's ICU release is unknown: the host-side Luxon fast path stays off and the sandbox answers.
  timeZoneVersion: undefined,
};

const loadTime = async (): Promise<void> => {
  if (time) return;
  const [luxon, zones] = await Promise.all([
    import('luxon?raw').then((m) => m.default),
    fetch(zonesUrl).then((r) => {
      if (!r.ok) throw new Error(`the time zone data did not load (${r.status})`);
      return r.json() as Promise<unknown>;
    }),
  ]);
  time = timeAssetsFrom(luxon, parsePackedZones(zones));
};

const loadJmespath = async (): Promise<void> => {
  if (jmespath !== undefined) return;
  jmespath = jmespathAsFunction((await import('jmespath/jmespath.js?raw')).default);
};

const loadTransliteration = async (): Promise<void> => {
  if (transliteration !== undefined) return;
  transliteration = (await import('#shared/sandbox/transliteration-table.ts')).transliterationText();
};

export interface AssetNeeds {
  time: boolean;
  jmespath: boolean;
  transliteration: boolean;
}

/** What evaluating `text` may ask the host for: each is loaded before (see ASSET_NOT_LOADED for the rest). */
export const assetsFor = (text: string, mayUseTime: (code: string) => boolean): AssetNeeds => ({
  time: mayUseTime(text),
  jmespath: text.includes('$jmespath'),
  transliteration: text.includes('replaceSpecialChars'),
});

export const ALL_ASSETS: AssetNeeds = { time: true, jmespath: true, transliteration: true };

/** Loads the texts the sandbox may ask for. */
export const loadAssetsFor = async (needs: AssetNeeds): Promise<void> => {
  await Promise.all([
    needs.time ? loadTime() : undefined,
    needs.jmespath ? loadJmespath() : undefined,
    needs.transliteration ? loadTransliteration() : undefined,
  ]);
};
