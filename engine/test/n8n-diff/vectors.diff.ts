import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReferenceInstalled, N8nReference } from './reference.ts';
import { runVector, vectorFiles } from './vectors.ts';

/**
 * Issue 12's second acceptance item: every vector of the interop corpus whose
 * nodes Weft supports gives n8n's outputs, both n8n's rerun here and the
 * outputs recorded in pinData. The table of all of them is
 * docs/n8n-compatibility.md ("Test vectors"), written by write-compat-doc.ts.
 */

const reference = new N8nReference();
beforeAll(ensureReferenceInstalled, 300_000);
afterAll(() => reference.close());

describe('n8n differential: the interop corpus', () => {
  it.each(vectorFiles())('%s', async (file) => {
    const row = await runVector(reference, file);
    if (row.unsupportedTypes.length > 0) return; // listed in the doc's table with the types Weft lacks
    expect(row.matches, row.firstDivergence).not.toBe(false);
  });
});
