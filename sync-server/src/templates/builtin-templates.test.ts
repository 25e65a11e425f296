import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromDefinition, toDefinition } from '#shared/schema/index.ts';
import { templateCategories } from '#shared/templates/types.ts';
import { applyTemplateValues } from '#shared/templates/variables.ts';
import { templatePicture } from '#shared/templates/picture.ts';
import { loadBuiltin, loadBuiltins } from './builtin-templates.ts';

const folder = fileURLToPath(new URL('./builtin/', import.meta.url));

/** A value of the variable's kind, as a person would fill in the form. */
const sample = (kind: string, options?: string[]): string | number | boolean => {
  if (kind === 'number') return 3;
  if (kind === 'boolean') return true;
  if (kind === 'options') return options?.[0] ?? '';
  if (kind === 'credential' || kind === 'workflow') return 'someId';
  return 'http://127.0.0.1:9/x';
};

describe('built-in templates', () => {
  const builtins = loadBuiltins();

  it('sixteen, one per file in builtin/, every file imported by builtin-files.ts', () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(16);
    expect([...builtins.keys()].sort()).toEqual(files.map((f) => `builtin:${f.replace(/\.json$/, '')}`).sort());
  });

  it.each([...builtins.values()].map((t) => [t.id, t] as const))('%s imports cleanly, fills in and draws', (_id, t) => {
    expect(templateCategories).toContain(t.category);
    // The import path: no placeholders for unknown nodes, no repaired edges, the same definition back.
    const { doc, warnings } = fromDefinition(t.definition);
    expect(warnings).toEqual([]);
    expect(
      toDefinition(doc)
        .nodes.map((n) => n.id)
        .sort(),
    ).toEqual(t.definition.nodes.map((n) => n.id).sort());
    const values = Object.fromEntries(t.variables.map((v) => [v.key, sample(v.kind, v.options)]));
    const applied = applyTemplateValues(t.definition, t.variables, values);
    expect(applied.ok ? [] : applied.issues).toEqual([]);
    expect(templatePicture(t.definition)).toContain('<svg');
    expect(JSON.stringify(t.definition)).not.toMatch(/"credentials"/);
  });

  it('a broken file stops the load with its id and the problem', () => {
    const [first] = builtins.values();
    if (!first) throw new Error('no built-ins');
    const broken = {
      ...first,
      contentHash: undefined,
      definition: { ...first.definition, nodes: [{ ...first.definition.nodes[0], type: 'noSuchNode' }] },
    };
    delete broken.contentHash;
    expect(() => loadBuiltin(broken)).toThrow(new RegExp(`built-in template ${first.id}: .*noSuchNode`));
  });
});
