import { describe, expect, it } from 'vitest';
import { fromN8n } from '../src/interop/n8n/index.ts';

/** Edit Fields (Set) imported from each n8n version: what the node did there is carried as Weft parameters. */

const importSet = (typeVersion: number, parameters: Record<string, unknown>) => {
  const { definition, warnings } = fromN8n({
    nodes: [{ name: 'Edit', type: 'n8n-nodes-base.set', typeVersion, parameters }],
    connections: {},
  });
  return { params: definition.nodes[0]?.parameters ?? {}, warnings: warnings.map((w) => w.message) };
};

describe('n8n import: Edit Fields (Set)', () => {
  it('Set 1: fields in n8n’s order (booleans, numbers, texts) with Set 1’s type rules, keepOnlySet as no other fields', () => {
    const { params, warnings } = importSet(1, {
      keepOnlySet: true,
      values: { string: [{ name: 's', value: 'x' }], number: [{ name: 'n', value: 3.5 }], boolean: [{ name: 'b' }] },
      options: { dotNotation: false },
    });
    expect(params).toMatchObject({
      conversion: 'n8n1',
      includeOtherFields: false,
      dotNotation: false,
      assignments: [
        { name: 'b', value: 'false', type: 'boolean' },
        { name: 'n', value: '3.5', type: 'number' },
        { name: 's', value: 'x', type: 'string' },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('Edit Fields 3.1: "selected input fields" and conversion errors carried, with 3.1’s type rules', () => {
    const { params, warnings } = importSet(3.1, {
      mode: 'manual',
      fields: { values: [{ name: 'o', type: 'objectValue', objectValue: '={"a": 1}' }] },
      include: 'selected',
      includeFields: 'name, meta.a',
      options: { ignoreConversionErrors: true },
    });
    expect(params).toMatchObject({
      conversion: 'n8n3.1',
      includeOtherFields: true,
      include: 'selected',
      includeFields: 'name, meta.a',
      ignoreConversionErrors: true,
      assignments: [{ name: 'o', value: '={"a": 1}', type: 'object' }],
    });
    expect(warnings).toEqual([]);
  });

  it('Edit Fields 3.4: "all except", the Duplicate item setting; files kept with the other fields unless stripped', () => {
    const { params, warnings } = importSet(3.4, {
      assignments: { assignments: [{ id: '1', name: 'n', value: 2, type: 'number' }] },
      includeOtherFields: true,
      include: 'except',
      excludeFields: 'secret',
      duplicateItem: true,
      duplicateCount: 2,
      options: { stripBinary: false },
    });
    expect(params).toMatchObject({
      conversion: 'strict',
      includeOtherFields: true,
      include: 'except',
      excludeFields: 'secret',
      duplicateItem: true,
      duplicateCount: 2,
      assignments: [{ name: 'n', value: '2', type: 'number' }],
    });
    expect(warnings).toEqual([]);
    expect(params.binary).toBeUndefined();
    expect(importSet(3.4, { includeOtherFields: true, options: { stripBinary: true } }).params.binary).toBe('strip');
  });

  it('Edit Fields 3–3.3 keep files only with "Include Binary File" on; Set 1–2 with the other fields', () => {
    expect(importSet(3.1, { options: { includeBinary: true } }).params.binary).toBe('keep');
    expect(importSet(3.3, { includeOtherFields: true }).params.binary).toBe('strip');
    expect(importSet(2, { keepOnlySet: false }).params.binary).toBeUndefined();
  });
});
