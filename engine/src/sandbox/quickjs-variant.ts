import { getAsset, isSea } from 'node:sea';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newVariant, type QuickJSSyncVariant } from 'quickjs-emscripten-core';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';

/**
 * The QuickJS build the sandbox runs: its package reads the WebAssembly file
 * beside its JS; the `weft` binary carries that file as an asset
 * (scripts/build-binary.ts) and hands over its bytes.
 */
export const quickjsVariant = (): QuickJSSyncVariant =>
  isSea() ? newVariant(variant, { wasmBinary: getAsset(BINARY_ASSETS.quickjsWasm) }) : variant;
