import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { fromN8n } from '../../shared/src/interop/n8n/index.ts';
import { fromDefinition, nodesMap } from '../../shared/src/schema/index.ts';

/**
 * A real n8n workflow (from the interop corpus, /work/shared/interop/n8n or
 * WEFT_BENCH_N8N_DIR), so each edit of the fan-out lands in a document the
 * size and shape of one a team edits: nodes with parameters, edges, pinned data.
 * Weft gets the file through its own importer (POST /api/workflows/import);
 * the reference gets the same document as a Yjs update made by the same
 * importer code (shared/), from the first client.
 */
export interface N8nDoc {
  file: string;
  json: unknown;
  nodes: number;
  /** Y.encodeStateAsUpdate of the imported document. */
  state: Uint8Array;
}

const DIR = process.env.WEFT_BENCH_N8N_DIR ?? '/work/shared/interop/n8n';
/** The largest workflow of the corpus (9 nodes, 6.5 KB of JSON with its pinned data). */
const FILE = process.env.WEFT_BENCH_N8N_FILE ?? 'error_outputs.json';

export const loadN8nDoc = (file = FILE): N8nDoc => {
  const json = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as unknown;
  const { definition } = fromN8n(json);
  const { doc } = fromDefinition(definition, { pinnedBy: 'bench' });
  return { file, json, nodes: nodesMap(doc).size, state: Y.encodeStateAsUpdate(doc) };
};

/** Imports the workflow into a Weft server through its REST importer; returns the new workflow's id. */
export const importN8n = async (httpBase: string, token: string, n8n: N8nDoc): Promise<string> => {
  const res = await fetch(`${httpBase}/api/workflows/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(n8n.json),
  });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
};
