import variant from '@jitl/quickjs-wasmfile-release-sync';
import { getAsset, isSea } from 'node:sea';
import { newVariant } from 'quickjs-emscripten-core';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import { jmespathAsFunction } from '#shared/sandbox/asset-text.ts';
import type { SandboxHost } from '#shared/sandbox/host.ts';
import { transliterationText } from '#shared/sandbox/transliteration-table.ts';
import { Sandbox, type SandboxLimits } from '#shared/sandbox/sandbox.ts';
import { readPackageText, timeAssets } from './time-assets.ts';

let jmespath: string | undefined;

/**
 * The sandbox on Node: QuickJS's package reads its WebAssembly file beside
 * its JS, and the `weft` binary carries that file as an asset
 * (scripts/build-binary.ts) and hands over its bytes; the library texts come
 * from node_modules or the binary's assets, read once per process.
 */
export const nodeSandboxHost: SandboxHost = {
  variant: () => (isSea() ? newVariant(variant, { wasmBinary: getAsset(BINARY_ASSETS.quickjsWasm) }) : variant),
  timeAssets,
  jmespath: () => (jmespath ??= jmespathAsFunction(readPackageText(BINARY_ASSETS.jmespath, 'jmespath', 'jmespath.js'))),
  transliteration: transliterationText,
  timeZoneVersion: process.versions.tz,
};

/** A sandbox for the engine (and its tests and benchmarks). */
export const createSandbox = (limits: Partial<SandboxLimits> = {}): Promise<Sandbox> =>
  Sandbox.create(nodeSandboxHost, limits);
