import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineDir, ensureReferenceInstalled } from './reference.ts';

/**
 * The libraries whose output n8n's XML, HTML and Markdown nodes are defined
 * by must be the versions the reference's n8n-nodes-base pins: when the
 * reference is bumped, this fails until Weft's package.json follows.
 */

const LIBRARIES = ['xml2js', 'cheerio', 'html-to-text', 'showdown', 'node-html-markdown'];

const dependencies = (file: string): Record<string, string> => {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> };
  return json.dependencies ?? {};
};

beforeAll(ensureReferenceInstalled, 300_000);

describe('libraries n8n-nodes-base pins', () => {
  it.each(LIBRARIES)('%s is the version the reference uses', (name) => {
    const n8n = dependencies(`${baselineDir}node_modules/n8n-nodes-base/package.json`)[name];
    const weft = dependencies(new URL('../../../package.json', import.meta.url).pathname)[name];
    expect(weft).toBe(n8n);
  });
});
