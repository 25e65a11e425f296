import type { QuickJSSyncVariant } from 'quickjs-emscripten-core';

/**
 * What the sandbox needs from the platform it runs on: the engine (Node:
 * node_modules or the binary's assets) and the browser's preview worker
 * (files fetched by URL) load the same QuickJS build and the same text
 * assets differently. Everything else about evaluating user code is the
 * same on both, so it lives in shared and there is one evaluator.
 *
 * The text readers are synchronous because QuickJS calls them from inside a
 * sandbox call; a host that loads over the network fetches before it
 * creates a sandbox.
 */
export interface SandboxHost {
  /** The QuickJS WebAssembly build, with its .wasm located for this platform. */
  variant(): QuickJSSyncVariant;
  /** Luxon and the zone data, read the first time code uses dates. */
  timeAssets(): TimeAssets;
  /** jmespath.js's UMD text wrapped as a function answering its exports (asset-text.ts). */
  jmespath(): string;
  /** The transliteration table as JSON text (`transliterationText` in transliteration-table.ts). */
  transliteration(): string;
  /**
   * The IANA release of the platform's own ICU zone data (Node's
   * `process.versions.tz`), when known: the host-side Luxon fast path
   * (luxon-chain.ts) answers only where it is proven to agree with the
   * sandbox's zone data. Undefined turns the fast path off.
   */
  timeZoneVersion: string | undefined;
}

/**
 * What the sandbox's dates are made of: Luxon's own ES module build (the
 * library n8n gives expressions) and moment-timezone's packed IANA zone data
 * (QuickJS has no Intl, so no zones of its own).
 */
export interface TimeAssets {
  /** Luxon as a function of `Intl` answering its exports: `(function (Intl) { … return { DateTime, … }; })`. */
  luxon: string;
  /** One zone or link per line, in moment-timezone's packed format ("Name|abbrs|offsets|indices|untils|…" or "Alias|Target"). */
  zones: string;
  /** The IANA release of the zone data, e.g. "2026f". */
  version: string;
}
