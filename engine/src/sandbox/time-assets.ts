import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import type { TimeAssets } from '#shared/sandbox/host.ts';
import { parsePackedZones, timeAssetsFrom, type PackedZones } from '#shared/sandbox/asset-text.ts';

/**
 * The sandbox's time assets as the engine reads them: once per process, from
 * node_modules or, in the `weft` binary, from its assets.
 */

/** An asset of the binary, else `file` of npm package `pkg` (through its package.json: Luxon exports no build paths). */
export const readPackageText = (asset: string, pkg: string, file: string): string => {
  if (isSea()) return Buffer.from(getAsset(asset)).toString('utf8');
  const dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  return readFileSync(join(dir, file), 'utf8');
};

let packedData: PackedZones | undefined;
/** moment-timezone's packed zone data as `moment.tz.load` takes it (the Date & Time node's n8n 1 operations). */
export const packedZoneData = (): PackedZones =>
  (packedData ??= parsePackedZones(
    JSON.parse(readPackageText(BINARY_ASSETS.tzData, 'moment-timezone', 'data/packed/latest.json')) as unknown,
  ));

let assets: TimeAssets | undefined;
export const timeAssets = (): TimeAssets =>
  (assets ??= timeAssetsFrom(readPackageText(BINARY_ASSETS.luxon, 'luxon', 'build/es6/luxon.mjs'), packedZoneData()));
