import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  discoverFamilies,
  familyResult,
  ITEM_KINDS,
  n8nTypes,
  sampleCoverage,
  uncommittedCode,
  type N8nType,
  type ResultState,
  type Seen,
} from './coverage.ts';
import { git } from './budget.ts';
import { ensureReferenceInstalled, N8nReference } from './reference.ts';
import { runVector, vectorFiles, vectorTable, type VectorRow } from './vectors.ts';

/**
 * `npm run docs:n8n-compat`: rewrites, between their markers, the generated
 * parts of docs/n8n-compatibility.md — what the differential harness covers
 * per n8n node type and version (sampled from the generators, see
 * coverage.ts) with each family's last result where it holds for the code
 * now, and the corpus run through n8n's engine and Weft's ("Test vectors") —
 * and the short summary in README.md. Measured, never written by hand; the
 * rest of both files is left as it is, formatted as `npm run lint` wants.
 */

const docPath = fileURLToPath(new URL('../../../docs/n8n-compatibility.md', import.meta.url));
const readmePath = fileURLToPath(new URL('../../../README.md', import.meta.url));

const markers = (name: string) => ({
  start: `<!-- n8n-diff:${name}:start (written by npm run docs:n8n-compat; do not edit by hand) -->`,
  end: `<!-- n8n-diff:${name}:end -->`,
});

const replaceBetween = (doc: string, name: string, body: string, path: string): string => {
  const { start, end } = markers(name);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} has no "${name}" markers to write between`);
  return `${doc.slice(0, from)}${start}\n\n${body}\n\n${end}${doc.slice(to + end.length)}`;
};

const vectorSection = (rows: VectorRow[]): string => {
  const supported = rows.filter((r) => r.unsupportedTypes.length === 0);
  const matching = supported.filter((r) => r.matches === true);
  return [
    `${rows.length} workflows; ${supported.length} use only node types Weft has; ${matching.length} of those give n8n's outputs.`,
    '',
    vectorTable(rows),
  ].join('\n');
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;
/** At most `n` entries named, the rest counted. */
const list = (values: readonly string[], n = 12) =>
  values.length <= n ? values.join(', ') : `${values.slice(0, n).join(', ')} and ${values.length - n} more`;

const resultText = (name: string, r: ResultState): string => {
  if (r.state === 'none') return `${name}: no recorded run`;
  const { result } = r;
  const what = `${result.budget} cases from seed ${result.seed}, ${result.diverging} diverging${
    result.reports.length > 0 ? ` in ${result.reports.length} groups (first seed ${result.reports[0]?.seed})` : ''
  }`;
  if (r.state === 'stale') return `${name}: not shown, stale (${r.why})`;
  return `${name}: ${what}; on ${result.commit?.slice(0, 10)}, ${result.at?.slice(0, 10)}`;
};

const typeSection = (t: N8nType, s: Seen | undefined, results: Map<string, ResultState>): string => {
  const heading = `### ${t.label} (${code(t.type)})`;
  const versions = t.versions.join(', ');
  if (!s) return [heading, '', `n8n versions ${versions}: not yet covered by the harness.`].join('\n');
  const covered = [...s.versions].sort((a, b) => a - b);
  const missingVersions = t.versions.filter((v) => !s.versions.has(v));
  const rows: [string, string][] = [
    ['n8n type versions', versions],
    [
      'Versions the harness runs',
      `${covered.join(', ')}${missingVersions.length > 0 ? ` (not: ${missingVersions.join(', ')})` : ' (all)'}`,
    ],
    ['Families', [...s.families].sort().join(', ')],
  ];
  for (const [key, choice] of [...t.choices.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const seenValues = s.choices.get(key);
    if (!seenValues) continue;
    const all = [...choice.values];
    if (all.length === 0) {
      // A list n8n's editor loads at run time (time zones): only what the cases use can be counted.
      rows.push([`${choice.label} (${code(key)})`, `${seenValues.size} values`]);
      continue;
    }
    const missing = all.filter((v) => !seenValues.has(v));
    rows.push([
      `${choice.label} (${code(key)})`,
      `${all.filter((v) => seenValues.has(v)).length} of ${all.length}${
        missing.length > 0 ? `; not: ${list(missing.map(code), 8)}` : ''
      }`,
    ]);
  }
  const untouched = [...t.choices.keys()].filter((k) => !s.choices.has(k));
  if (untouched.length > 0) rows.push(['Choices never varied', list(untouched.map(code), 10)]);
  if (t.options.size > 0) {
    const options = [...t.options.keys()].filter((k) => !/\.(values|value|entries|parameters)$/.test(k));
    const seenOptions = options.filter((k) => s.options.has(k));
    const notSeen = options.filter((k) => !s.options.has(k));
    rows.push([
      'Options set',
      `${seenOptions.length} of ${options.length}${seenOptions.length > 0 ? `: ${list(seenOptions.map(code), 10)}` : ''}${
        notSeen.length > 0 ? `; not: ${list(notSeen.map(code), 8)}` : ''
      }`,
    ]);
  }
  const missingKinds = ITEM_KINDS.filter((k) => !s.itemKinds.has(k));
  rows.push([
    'Item sets',
    `${ITEM_KINDS.length - missingKinds.length} of ${ITEM_KINDS.length}${missingKinds.length > 0 ? `; not: ${missingKinds.join(', ')}` : ''}`,
  ]);
  rows.push(['Parameter values', [...s.valueForms].sort().join('; ')]);
  if (s.operators.size > 0) rows.push(['Filter operators', `${s.operators.size}: ${list([...s.operators].sort(), 8)}`]);
  for (const [dimension, values] of s.declared) rows.push([dimension, list([...values], 10)]);
  rows.push([
    'Last result',
    [...s.families]
      .sort()
      .map((f) => resultText(f, results.get(f) ?? { state: 'none' }))
      .join('; '),
  ]);
  return [heading, '', '| | |', '| --- | --- |', ...rows.map(([a, b]) => `| ${cell(a)} | ${cell(b)} |`)].join('\n');
};

const coverageSection = (
  types: readonly N8nType[],
  seen: Map<string, Seen>,
  results: Map<string, ResultState>,
  head: string,
  dirty: boolean,
): string => {
  const covered = types.filter((t) => seen.has(t.type));
  return [
    `Sampled on commit ${code(head.slice(0, 10))}${dirty ? ' with uncommitted changes' : ''}. ${covered.length} of the ${types.length} n8n node types Weft imports are covered by the harness's generators. A family's result is shown only when it ran on a commit with no uncommitted code and no code changed since (\`engine/src\`, \`shared/src\`, \`engine/test/n8n-diff\`, the n8n reference); otherwise it is marked stale. Run \`npm run test:n8n-diff\` on a clean tree, then \`npm run docs:n8n-compat\`, to record them.`,
    '',
    ...types.map((t) => `${typeSection(t, seen.get(t.type), results)}\n`),
  ].join('\n');
};

const readmeSummary = (types: readonly N8nType[], seen: Map<string, Seen>, results: Map<string, ResultState>) => {
  const rows = types.map((t) => {
    const s = seen.get(t.type);
    if (!s) return `| ${t.label} | ${t.versions.join(', ')} | not yet covered by the harness | |`;
    const result = [...s.families]
      .sort()
      .map((f) => {
        const r = results.get(f) ?? ({ state: 'none' } as const);
        if (r.state === 'current') return `${f}: ${r.result.diverging} of ${r.result.budget} diverging`;
        return `${f}: ${r.state === 'stale' ? 'stale' : 'not recorded'}`;
      })
      .join('; ');
    return `| ${t.label} | ${t.versions.join(', ')} | ${[...s.versions].sort((a, b) => a - b).join(', ')} | ${result} |`;
  });
  return [
    'Per n8n node type: the versions n8n 2.41 has, the versions the differential harness runs, and its last result on the code as committed (details, options and operators: [docs/n8n-compatibility.md](docs/n8n-compatibility.md#coverage)).',
    '',
    '| n8n node | n8n versions | Harness runs | Last result |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
};

const writeFormatted = async (path: string, text: string) =>
  writeFileSync(path, await format(text, { ...(await resolveConfig(path)), filepath: path }));

const main = async () => {
  const coverageOnly = process.argv.includes('--coverage-only');
  const families = await discoverFamilies();
  const types = n8nTypes();
  const seen = await sampleCoverage(families, types, { graphs: true });
  const uncommittedNow = uncommittedCode();
  // The random workflows (graphs.diff.ts) are a family of the harness too, though not a node family.
  const results = new Map([...families.map((f) => f.name), 'graphs'].map((f) => [f, familyResult(f, uncommittedNow)]));
  const head = git(['rev-parse', 'HEAD']);

  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  doc = replaceBetween(
    doc,
    'coverage',
    coverageSection(types, seen, results, head, uncommittedNow.length > 0),
    docPath,
  );
  if (!coverageOnly) {
    await ensureReferenceInstalled();
    const reference = new N8nReference();
    const rows: VectorRow[] = [];
    try {
      for (const file of vectorFiles()) rows.push(await runVector(reference, file));
    } finally {
      await reference.close();
    }
    doc = replaceBetween(doc, 'vectors', vectorSection(rows), docPath);
  }
  await writeFormatted(docPath, doc);
  const readme = readFileSync(readmePath, 'utf8');
  await writeFormatted(readmePath, replaceBetween(readme, 'summary', readmeSummary(types, seen, results), readmePath));
  if (uncommittedNow.length > 0)
    console.log(`${uncommittedNow.length} code files are uncommitted: no family result is shown as current`);
  console.log(`wrote ${types.length} node types (${families.length} families) to ${docPath} and ${readmePath}`);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
