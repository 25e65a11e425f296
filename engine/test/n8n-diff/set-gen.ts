import type { Family } from './differ.ts';
import { FIELDS, itemSet, scalar, type Json } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Edit Fields (Set) in its n8n versions: 1–2 (`values` per type, keepOnlySet),
 * 3–3.2 (`fields.values` with typed values, include all/none/selected/except)
 * and 3.3+ (`assignments`, includeOtherFields with include/except lists), in
 * manual and JSON mode, with dot notation and type-conversion errors on or
 * off, and values as literals, expressions and templates of every type.
 */

const names = [
  ...FIELDS,
  'new',
  'meta.x',
  'a.b',
  'tags[0]',
  'Name With Space',
  "['name']",
  'meta["a"]',
  'meta.b[1].name',
];
const types = ['string', 'number', 'boolean', 'array', 'object'] as const;

const literal = (rng: Rng, type: (typeof types)[number]): Json => {
  switch (type) {
    case 'number':
      return rng.pick(['1', '3.5', '-2', '', 'abc', ' 7 ', '1e3', '0x10', 'true']);
    case 'boolean':
      return rng.pick(['true', 'false', 'TRUE', '1', '0', '', 'yes', 'abc']);
    case 'array':
      return rng.pick(['[1, 2]', '["a"]', '[]', '', 'a,b', '{"a":1}', '[1,']);
    case 'object':
      return rng.pick(['{"a": 1}', '{}', '', '[1]', '{"a": {"b": [1]}}', 'abc', '{a: 1}']);
    default:
      return rng.chance(0.8) ? JSON.stringify(scalar(rng)).replace(/^"|"$/g, '') : '';
  }
};

const valueOf = (rng: Rng, type: (typeof types)[number]): Json => {
  const r = rng.int(10);
  if (r < 3) return `={{ $json.${rng.pick([...FIELDS, 'meta.a', 'missing'])} }}`;
  if (r < 4) return `=${rng.pick(['', 'x ', 'Hello '])}{{ $json.${rng.pick([...FIELDS, 'missing'])} }}`;
  if (r < 5)
    return `={{ ${rng.pick(['1 + 1', '"7"', 'null', '[1, "b"]', '({ a: 1 })', 'true', '$json', '$json.a + 1', '1 / 0'])} }}`;
  return literal(rng, type);
};

const fieldList = (rng: Rng): string =>
  rng
    .shuffle([...FIELDS, 'missing'])
    .slice(0, 1 + rng.int(3))
    .join(rng.pick([',', ', ']));

export const setParameters = (rng: Rng, version: number): Params => {
  const count = rng.int(4);
  const options: Params = {};
  if (rng.chance(0.3)) options.dotNotation = false;
  if (version >= 3 && rng.chance(0.3)) options.ignoreConversionErrors = true;
  // Binary options change nothing for items without binary data; they must not change the JSON either.
  if (version >= 3 && version < 3.4 && rng.chance(0.15)) options.includeBinary = rng.chance(0.5);
  if (version >= 3.4 && rng.chance(0.15)) options.stripBinary = rng.chance(0.5);
  if (version < 3) {
    const values: Record<string, Params[]> = {};
    for (let i = 0; i < count; i++) {
      const type = rng.pick(['string', 'number', 'boolean'] as const);
      const raw = valueOf(rng, type);
      const value =
        type === 'number' && typeof raw === 'string' && !raw.startsWith('=')
          ? Number(raw) || 0
          : type === 'boolean' && typeof raw === 'string' && !raw.startsWith('=')
            ? raw === 'true'
            : raw;
      (values[type] ??= []).push({ name: rng.pick(names), value });
    }
    return { keepOnlySet: rng.chance(0.3), values, options };
  }
  const mode = rng.chance(0.2) ? 'raw' : 'manual';
  const out: Params = { mode, options };
  // n8n's "Duplicate item" setting (manual runs only, which is how both engines run these cases).
  if (rng.chance(0.1)) {
    out.duplicateItem = true;
    out.duplicateCount = rng.int(3);
  }
  if (mode === 'raw') {
    out.jsonOutput = rng.pick([
      '{"a": 1, "b": "x"}',
      '={{ { "a": $json.a, "n": $json.name } }}',
      '{\n  "my_field_1": "value",\n  "nested": { "x": [1, 2] }\n}',
      '=\n{"a": "{{ $json.name }}"}',
      'not json',
      '[1, 2]',
      '{a: 1, \'b\': "x"}',
      '={"a": {{ $json.a }}, "t": "{{ $json.name }}"}',
      '={{ $json }}',
      '={"m": {{ $json.meta }}, "l": {{ $json.tags }}}',
    ]);
  } else if (version < 3.3) {
    out.fields = {
      values: Array.from({ length: count }, () => {
        const type = rng.pick(types);
        // These versions store booleans as booleans (a text there is refused by n8n before the run).
        const value = type === 'boolean' && rng.chance(0.6) ? rng.chance(0.5) : valueOf(rng, type);
        return { name: rng.pick(names), type: `${type}Value`, [`${type}Value`]: value };
      }),
    };
  } else {
    out.assignments = {
      assignments: Array.from({ length: count }, (_, i) => {
        const type = rng.pick(types);
        // The editor stores a typed-in number or boolean of these versions as a JSON number or boolean.
        const typed =
          type === 'number' && rng.chance(0.2)
            ? rng.pick([0, 1, -2.5, 1e21])
            : type === 'boolean' && rng.chance(0.2)
              ? rng.chance(0.5)
              : undefined;
        return { id: `f${i}`, name: rng.pick(names), value: typed ?? valueOf(rng, type), type };
      }),
    };
  }
  if (version < 3.3) {
    const include = rng.pick(['all', 'none', 'selected', 'except']);
    out.include = include;
    if (include === 'selected') out.includeFields = fieldList(rng);
    if (include === 'except') out.excludeFields = fieldList(rng);
  } else if (rng.chance(0.5)) {
    out.includeOtherFields = true;
    const include = rng.pick(['all', 'selected', 'except']);
    out.include = include;
    if (include === 'selected') out.includeFields = fieldList(rng);
    if (include === 'except') out.excludeFields = fieldList(rng);
  }
  return out;
};

export const setCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2, 3, 3.1, 3.2, 3.3, 3.4, 3.5]);
  return {
    family: 'set',
    seed,
    type: 'set',
    typeVersion,
    parameters: setParameters(rng, typeVersion),
    items: itemSet(rng),
  };
};

const listOf = (value: unknown, key: string): unknown[] | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const list = (value as Params)[key];
  return Array.isArray(list) ? list : undefined;
};

/** One field less, no options, no include lists. */
export const shrinkSet = (p: Params): Params[] => {
  const out: Params[] = [];
  const assignments = listOf(p.assignments, 'assignments');
  if (assignments && assignments.length > 1)
    assignments.forEach((_, i) =>
      out.push({ ...p, assignments: { assignments: assignments.filter((__, j) => j !== i) } }),
    );
  const fields = listOf(p.fields, 'values');
  if (fields && fields.length > 1)
    fields.forEach((_, i) => out.push({ ...p, fields: { values: fields.filter((__, j) => j !== i) } }));
  if (typeof p.values === 'object' && p.values !== null) {
    const values = p.values as Record<string, unknown[]>;
    for (const [type, list] of Object.entries(values)) {
      if (Object.values(values).flat().length > 1)
        list.forEach((_, i) => out.push({ ...p, values: { ...values, [type]: list.filter((__, j) => j !== i) } }));
    }
  }
  if (typeof p.options === 'object' && p.options !== null && Object.keys(p.options).length > 0)
    out.push({ ...p, options: {} });
  return out;
};

export const setFamily: Family = {
  name: 'set',
  generate: setCase,
  shrink: shrinkSet,
  coverage: () => ({ 'Field names': names, 'Assignment types': types }),
  key: (c) => {
    const p = c.parameters;
    const options = typeof p.options === 'object' && p.options !== null ? Object.keys(p.options).sort().join('+') : '';
    const include = typeof p.include === 'string' ? p.include : p.keepOnlySet === true ? 'keepOnlySet' : '';
    const mode = typeof p.mode === 'string' ? p.mode : 'manual';
    const dup = p.duplicateItem === true ? ' duplicateItem' : '';
    return `set ${mode} ${include}${p.includeOtherFields === true ? ' includeOtherFields' : ''}${options ? ` ${options}` : ''}${dup}`;
  },
};
