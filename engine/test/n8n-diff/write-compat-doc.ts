import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ensureReferenceInstalled, N8nReference } from './reference.ts';
import { runVector, vectorFiles, vectorTable, type VectorRow } from './vectors.ts';

/**
 * `npm run docs:n8n-compat`: runs the interop corpus through n8n's engine and
 * Weft's, and rewrites the "Test vectors" section of docs/n8n-compatibility.md
 * (between its two markers) with the result, so the table is measured, never
 * written by hand. The rest of the file is left as it is; the whole is
 * formatted as `npm run lint` wants it.
 */

const docPath = fileURLToPath(new URL('../../../docs/n8n-compatibility.md', import.meta.url));
const START = '<!-- n8n-diff:vectors:start (written by npm run docs:n8n-compat; do not edit by hand) -->';
const END = '<!-- n8n-diff:vectors:end -->';

const section = (rows: VectorRow[]): string => {
  const supported = rows.filter((r) => r.unsupportedTypes.length === 0);
  const matching = supported.filter((r) => r.matches === true);
  return [
    START,
    '',
    `${rows.length} workflows; ${supported.length} use only node types Weft has; ${matching.length} of those give n8n's outputs.`,
    '',
    vectorTable(rows),
    '',
    END,
  ].join('\n');
};

const main = async () => {
  await ensureReferenceInstalled();
  const reference = new N8nReference();
  const rows: VectorRow[] = [];
  try {
    for (const file of vectorFiles()) rows.push(await runVector(reference, file));
  } finally {
    await reference.close();
  }
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${docPath} has no "Test vectors" markers to write between`);
  const text = `${doc.slice(0, from)}${section(rows)}${doc.slice(to + END.length)}`;
  writeFileSync(docPath, await format(text, { ...(await resolveConfig(docPath)), filepath: docPath }));
  console.log(`wrote ${rows.length} rows to ${docPath}`);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
