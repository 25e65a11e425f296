import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { z } from 'zod';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';

/**
 * What the sandbox's dates are made of: Luxon's own ES module build (the
 * library n8n gives expressions) and moment-timezone's packed IANA zone data
 * (QuickJS has no Intl, so no zones of its own). Read once per process, from
 * node_modules or, in the `weft` binary, from its assets.
 */
export interface TimeAssets {
  /** Luxon as a function of `Intl` answering its exports: `(function (Intl) { … return { DateTime, … }; })`. */
  luxon: string;
  /** One zone or link per line, in moment-timezone's packed format ("Name|abbrs|offsets|indices|untils|…" or "Alias|Target"). */
  zones: string;
  /** The IANA release of the zone data, e.g. "2026f". */
  version: string;
}

const packedSchema = z.object({
  version: z.string(),
  zones: z.array(z.string()),
  links: z.array(z.string()),
});

/** An asset of the binary, else `file` of npm package `pkg` (through its package.json: Luxon exports no build paths). */
const read = (asset: string, pkg: string, file: string): string => {
  if (isSea()) return Buffer.from(getAsset(asset)).toString('utf8');
  const dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  return readFileSync(join(dir, file), 'utf8');
};

const EXPORTS = /^export \{ ([\w, ]+) \};$/m;

/**
 * Luxon parses a format text on every toFormat and fromFormat (a loop and a regular expression per
 * token), a good part of their cost in QuickJS. The parse depends on the text alone, so it is kept
 * per text (a bounded Map inside Luxon's closure, out of user code's reach), frozen since it is shared.
 */
const PARSE_FORMAT = /^ {2}static parseFormat\(fmt\) \{$/m;
const CACHED_PARSE_FORMAT = `  static parseFormat(fmt) {
    let tokens = parsedFormats.get(fmt);
    if (tokens === undefined) {
      tokens = Object.freeze(Formatter.parseFormatText(fmt).map((t) => Object.freeze(t)));
      if (parsedFormats.size >= 256) parsedFormats.clear();
      parsedFormats.set(fmt, tokens);
    }
    return tokens;
  }

  static parseFormatText(fmt) {`;

/** Luxon's module text as a function body: its one export statement becomes a return. */
export const luxonAsFunction = (moduleText: string): string => {
  const m = EXPORTS.exec(moduleText);
  if (!m) throw new Error("Luxon's module build has no single export statement: the sandbox cannot load it");
  if (!PARSE_FORMAT.test(moduleText) || !/^class Formatter \{$/m.test(moduleText)) {
    throw new Error("Luxon's module build has no Formatter.parseFormat to cache: the sandbox cannot load it");
  }
  const body = moduleText
    .replace(EXPORTS, `return { ${m[1] ?? ''} };`)
    .replace(/^\/\/# sourceMappingURL=.*$/m, '')
    .replace(/^class Formatter \{$/m, 'const parsedFormats = new Map();\nclass Formatter {')
    .replace(PARSE_FORMAT, CACHED_PARSE_FORMAT);
  return `(function (Intl) {\n'use strict';\n${body}\n})`;
};

let packedData: z.infer<typeof packedSchema> | undefined;
/** moment-timezone's packed zone data as `moment.tz.load` takes it (the Date & Time node's n8n 1 operations). */
export const packedZoneData = (): z.infer<typeof packedSchema> =>
  (packedData ??= packedSchema.parse(
    JSON.parse(read(BINARY_ASSETS.tzData, 'moment-timezone', 'data/packed/latest.json')) as unknown,
  ));

let assets: TimeAssets | undefined;
export const timeAssets = (): TimeAssets => {
  if (assets) return assets;
  const packed = packedZoneData();
  assets = {
    luxon: luxonAsFunction(read(BINARY_ASSETS.luxon, 'luxon', 'build/es6/luxon.mjs')),
    zones: [...packed.zones, ...packed.links].join('\n'),
    version: packed.version,
  };
  return assets;
};
