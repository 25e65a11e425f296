import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ALL_EXTENSION_NAMES } from '#shared/expressions/extensions/names.ts';
import { expressionForm, expressionSegments, instantiate } from './expression-forms.ts';

/**
 * Counts the expression forms of public n8n workflow collections and writes
 * the most used ones to fixtures/expression-forms.json (see fixtures/SOURCES.md).
 *
 *   node --import tsx engine/test/n8n-diff/gather-expression-forms.ts <git dir>…
 *
 * Each argument is a git directory (a bare clone works: files are read from
 * HEAD with `git cat-file`, no work tree needed). Every `.json` file is
 * parsed; every object in it with `nodes` and `connections` is a workflow;
 * workflows with the same nodes (type and parameters) count once, as the
 * collections copy each other. Every string parameter starting with `=`
 * contributes its `{{ … }}` segments, each counted under its form
 * (expression-forms.ts). Forms are ranked by the number of distinct
 * workflows using them (then by occurrences), so that one workflow repeating
 * an odd expression a hundred times does not outrank a form used everywhere.
 * `$fromAI(…)` forms are left out: they are filled in by an AI agent's tool
 * call, not evaluated as expressions, and Weft has no AI agent nodes.
 */

const TOP = 100;
const OUT = fileURLToPath(new URL('./fixtures/expression-forms.json', import.meta.url));

interface FormStat {
  count: number;
  workflows: Set<string>;
  /** Occurrences as the whole parameter value (`={{ … }}`) rather than inside text. */
  whole: number;
}

const git = (dir: string, args: string[], input?: string): Buffer =>
  execFileSync('git', ['--git-dir', dir, ...args], { input, maxBuffer: 1 << 30 });

/** The files of HEAD, read in batches through one `git cat-file --batch` each. */
function* jsonFiles(dir: string): Generator<{ path: string; text: string }> {
  const paths = git(dir, ['ls-tree', '-r', '-z', '--name-only', 'HEAD'])
    .toString('utf8')
    .split('\0')
    .filter((p) => p.toLowerCase().endsWith('.json'));
  for (let i = 0; i < paths.length; i += 400) {
    const batch = paths.slice(i, i + 400);
    const out = git(dir, ['cat-file', '--batch'], batch.map((p) => `HEAD:${p}\n`).join(''));
    let pos = 0;
    for (const path of batch) {
      const eol = out.indexOf(10, pos);
      const header = out.subarray(pos, eol).toString('utf8');
      pos = eol + 1;
      const size = /^\S+ blob (\d+)$/.exec(header)?.[1];
      if (size === undefined) continue;
      const text = out.subarray(pos, pos + Number(size)).toString('utf8');
      pos += Number(size) + 1;
      yield { path, text };
    }
  }
}

interface Workflow {
  nodes: { type?: unknown; parameters?: unknown }[];
}
const isWorkflow = (v: unknown): v is Workflow =>
  typeof v === 'object' && v !== null && Array.isArray((v as Workflow).nodes) && 'connections' in v;

const findWorkflows = (v: unknown, out: Workflow[], depth = 0): void => {
  if (depth > 6 || typeof v !== 'object' || v === null) return;
  if (isWorkflow(v)) {
    out.push(v);
    return;
  }
  for (const child of Object.values(v)) findWorkflows(child, out, depth + 1);
};

const strings = (v: unknown, out: string[]): void => {
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'object' && v !== null) for (const child of Object.values(v)) strings(child, out);
};

const main = async () => {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: gather-expression-forms.ts <git dir>…');
  const stats = new Map<string, FormStat>();
  const seen = new Set<string>();
  const sources = [];
  let total = 0;
  for (const dir of dirs) {
    const commit = git(dir, ['rev-parse', 'HEAD']).toString().trim();
    const remote = /([^/+]+)\+([^/]+)\/repo\/?$/.exec(dir);
    const repo = remote ? `${remote[1]}/${remote[2]}` : dir;
    let files = 0;
    let workflows = 0;
    let unique = 0;
    let expressions = 0;
    for (const file of jsonFiles(dir)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(file.text);
      } catch {
        continue;
      }
      files++;
      const found: Workflow[] = [];
      findWorkflows(parsed, found);
      for (const wf of found) {
        workflows++;
        const key = createHash('sha1')
          .update(JSON.stringify(wf.nodes.map((n) => [n.type, n.parameters])))
          .digest('hex');
        if (seen.has(key)) continue;
        seen.add(key);
        unique++;
        const values: string[] = [];
        for (const n of wf.nodes) strings(n.parameters, values);
        for (const value of values) {
          const segments = expressionSegments(value);
          const whole = segments.length === 1 && /^=\s*\{\{[\s\S]*\}\}\s*$/.test(value);
          for (const segment of segments) {
            if (segment === '') continue;
            expressions++;
            const form = expressionForm(segment);
            const stat = stats.get(form) ?? { count: 0, workflows: new Set(), whole: 0 };
            stat.count++;
            stat.workflows.add(key);
            if (whole) stat.whole++;
            stats.set(form, stat);
          }
        }
      }
    }
    total += expressions;
    sources.push({ repo, commit, jsonFiles: files, workflows, newUniqueWorkflows: unique, expressions });
  }
  const top = [...stats.entries()]
    .filter(([form]) => !form.includes('$fromAI'))
    .sort((a, b) => b[1].workflows.size - a[1].workflows.size || b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([form, s], rank) => ({
      rank: rank + 1,
      form,
      count: s.count,
      workflows: s.workflows.size,
      whole: s.whole,
      example: instantiate(form),
    }));
  // Beyond the top: the most used form calling each n8n extension function, so that every one is checked.
  const extensionForms = ALL_EXTENSION_NAMES.flatMap((name) => {
    const call = new RegExp(`\\.${name}\\(`);
    const best = [...stats.entries()]
      .filter(([form]) => call.test(form) && !form.includes('$fromAI'))
      .sort(
        (a, b) => b[1].workflows.size - a[1].workflows.size || b[1].count - a[1].count || a[0].localeCompare(b[0]),
      )[0];
    return best
      ? [
          {
            name,
            form: best[0],
            count: best[1].count,
            workflows: best[1].workflows.size,
            example: instantiate(best[0]),
          },
        ]
      : [];
  });
  const covered = top.reduce((n, f) => n + f.count, 0);
  const fixture = {
    about:
      'The most used n8n expression forms in public workflow collections; made by gather-expression-forms.ts, sources in SOURCES.md.',
    sources,
    uniqueWorkflows: seen.size,
    expressions: total,
    distinctForms: stats.size,
    coveredByTop: covered,
    forms: top,
    extensionForms,
  };
  // Written as the repository's formatter writes it, so that `npm run lint` passes on a fresh run.
  const options = (await resolveConfig(OUT)) ?? {};
  writeFileSync(OUT, await format(JSON.stringify(fixture), { ...options, parser: 'json' }));
  console.log(
    `${total} expressions in ${seen.size} distinct workflows, ${stats.size} forms; the top ${TOP} cover ${covered} → ${OUT}`,
  );
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
