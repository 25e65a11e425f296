import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';

/**
 * jmespath.js (the library n8n's `$jmespath` calls), as the sandbox loads
 * it the first time an expression asks: its UMD text wrapped as a function
 * answering its exports, so it defines no global (the context's globals are
 * frozen). Read once per process, from node_modules or the binary's assets.
 */
let text: string | undefined;
export const jmespathSource = (): string => {
  if (text !== undefined) return text;
  const raw = isSea()
    ? Buffer.from(getAsset(BINARY_ASSETS.jmespath)).toString('utf8')
    : readFileSync(
        join(dirname(createRequire(import.meta.url).resolve('jmespath/package.json')), 'jmespath.js'),
        'utf8',
      );
  // The UMD ends by calling its factory with `exports` when there is one: give it ours.
  text = `(function () {\nvar exports = {};\n${raw}\nreturn exports;\n})`;
  return text;
};
