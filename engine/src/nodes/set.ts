import { MAIN } from '#shared/nodes/types.ts';
import { isExpression } from '#shared/expressions/template.ts';
import { isJsonObject, type Item, type JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { deepClone } from './paths.ts';
import {
  conversionOf,
  convertEntry,
  convertLegacy,
  isLegacy,
  parseRepairedJson,
  type Conversion,
} from './set-conversions.ts';
import { evaluateProbes, rawProbe, singleExpressionCode, type Probe } from './set-expressions.ts';
import { asJson, fieldAccess, type FieldAccess } from './set-fields.ts';
import { str } from './values.ts';

/**
 * Edit Fields (Set): fields typed as declared (or a JSON object) written into
 * the item, on top of all, some or none of its input fields — as n8n's Set 1
 * and 2 and Edit Fields 3–3.4 do it, the version chosen by `conversion`.
 */

interface Assignment {
  name?: unknown;
  value?: unknown;
  type?: unknown;
}

const listOf = (value: unknown): Assignment[] =>
  Array.isArray(value) ? value.map((a) => (isJsonObject(a) ? (a as Assignment) : {})) : [];

/** n8n 3–3.2 re-read an object field written as `={…}` from its text (n8n's rawFieldsData). */
const readsObjectText = (c: Conversion): boolean => c === 'n8n3' || c === 'n8n3.1' || c === 'n8n3.2';

/**
 * n8n's parseJsonParameter: the text (mended if need be) must hold one JSON
 * object — or null, which n8n lets through (a field is then null; the JSON
 * mode fails on it later).
 */
const jsonObjectOf = (value: unknown, where: string, item: number): JsonObject | null => {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = parseRepairedJson(value);
    } catch {
      throw new NodeError(`The ${where} in item ${item} contains invalid JSON`, value);
    }
  }
  if (parsed !== null && !isJsonObject(parsed)) {
    throw new NodeError(`The ${where} in item ${item} does not contain a valid JSON object`);
  }
  return parsed;
};

const fieldNames = (value: unknown, param: string): string[] => {
  if (typeof value !== 'string') throw new NodeError(`"${param}" must be a comma-separated list of field names`);
  return value
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
};

/** The input fields the output starts from (n8n's composeReturnItem). */
const baseOf = (item: Item, p: JsonObject, access: FieldAccess, dotNotation: boolean): JsonObject => {
  const include = p.includeOtherFields === true ? str(p.include, 'all') : 'none';
  switch (include) {
    case 'all':
      return deepClone(item.json);
    case 'none':
      return {};
    case 'selected': {
      const json: JsonObject = {};
      for (const key of fieldNames(p.includeFields ?? '', 'includeFields')) {
        const target = dotNotation && key.includes('.') ? (key.split('.').pop() ?? key) : key;
        // A copy: n8n hands the input's own object on, so later fields written into it change the input too.
        access.set(json, target, deepClone(access.get(item.json, key)));
      }
      return json;
    }
    case 'except': {
      const json = deepClone(item.json);
      for (const key of fieldNames(p.excludeFields ?? '', 'excludeFields')) access.unset(json, key);
      return json;
    }
    default:
      throw new NodeError(`The include option "${include}" is not known!`);
  }
};

interface SetRun {
  conversion: Conversion;
  rawMode: boolean;
  rawAssignments: Assignment[];
  probes: Map<string, Probe>;
  probed: ReturnType<typeof evaluateProbes>;
  objectTextOf: Map<string, string>;
}

/** A field left undefined (n8n keeps the key, JSON drops it) or a list grown past its end: cleaned at the end. */
const needsCleaning = (name: string, value: unknown): boolean => value === undefined || name.includes('[');

/**
 * The value of field k for item i. The parameters resolved for the node are
 * exact except for null, which may have been undefined, NaN or ±Infinity (JSON
 * has none of them): only then is the expression read a second time.
 */
const valueOf = (run: SetRun, k: number, i: number, resolved: unknown): unknown => {
  if (resolved !== null) return resolved;
  const label = `assignments[${k}].value`;
  return run.probes.get(label)?.kind === 'single' ? run.probed.single(label, i) : resolved;
};

/** Whether the input item's files go on (the `binary` parameter; n8n's include / strip binary options). */
const keepsFiles = (p: JsonObject): boolean => {
  const mode = str(p.binary, 'withOtherFields');
  return mode === 'keep' || (mode === 'withOtherFields' && p.includeOtherFields === true);
};

/** One output item of the node run. */
const setItem = (item: Item, p: JsonObject, i: number, run: SetRun): Item => {
  const { conversion, rawMode, rawAssignments, probed, objectTextOf } = run;
  const dotNotation = p.dotNotation !== false;
  const access = fieldAccess(dotNotation, !rawMode && isLegacy(conversion));
  const ignoreErrors = p.ignoreConversionErrors === true;
  let unclean = p.includeOtherFields === true && p.include === 'selected';
  const assignments = listOf(p.assignments);

  if (!rawMode && isLegacy(conversion)) {
    // Set 1 and 2 write each field in turn, straight into the item.
    const json = p.includeOtherFields === true ? deepClone(item.json) : {};
    for (let k = 0; k < assignments.length; k++) {
      const a = assignments[k] as Assignment;
      const type = str(a.type, 'string');
      const literal = !isExpression(rawAssignments[k]?.value);
      const name = str(a.name, '');
      const value = convertLegacy(type, valueOf(run, k, i, a.value), conversion, literal);
      if (needsCleaning(name, value)) unclean = true;
      access.set(json, name, value);
    }
    return { json: unclean ? (asJson(json) as JsonObject) : json };
  }

  let fields: JsonObject;
  if (rawMode) {
    const text = run.probes.has('jsonOutput') ? probed.filled('jsonOutput', i) : p.jsonOutput;
    const parsed = jsonObjectOf(text, "'JSON Output'", i);
    if (parsed === null) throw new NodeError(`The 'JSON Output' in item ${i} is null, not an object`);
    fields = parsed;
  } else {
    // Every field is typed before any is written; a name met twice keeps its first place and last value.
    fields = {};
    for (let k = 0; k < assignments.length; k++) {
      const a = assignments[k] as Assignment;
      const name = str(a.name, '');
      const type = str(a.type, 'string');
      let value = valueOf(run, k, i, a.value);
      const textLabel = type === 'object' ? objectTextOf.get(name) : undefined;
      if (textLabel !== undefined && value !== undefined && value !== null) {
        value = jsonObjectOf(probed.filled(textLabel, i), `entry "${name}" inside 'Fields to Set'`, i);
      }
      const typed = convertEntry(name, type, value, conversion, ignoreErrors, i);
      // n8n gathers them in a plain object, where "__proto__" is no field at all.
      if (name !== '__proto__') fields[name] = typed;
    }
  }
  const json = baseOf(item, p, access, dotNotation);
  for (const key of Object.keys(fields)) {
    if (key === '__proto__') continue;
    if (needsCleaning(key, fields[key])) unclean = true;
    access.set(json, key, fields[key]);
  }
  return { json: unclean ? (asJson(json) as JsonObject) : json };
};

/**
 * Expressions whose undefined must stay undefined, and texts n8n fills in piece by piece: worked out once per
 * node's parameters (a snapshot's nodes never change), not on every run.
 */
interface SetProbes {
  probes: Map<string, Probe>;
  objectTextOf: Map<string, string>;
}
const probeCache = new WeakMap<object, Map<string, SetProbes>>();
const probesOf = (
  raw: JsonObject,
  rawAssignments: readonly Assignment[],
  rawMode: boolean,
  objectText: boolean,
): SetProbes => {
  let byMode = probeCache.get(raw);
  if (!byMode) probeCache.set(raw, (byMode = new Map<string, SetProbes>()));
  const key = `${rawMode}|${objectText}`;
  const known = byMode.get(key);
  if (known) return known;
  const probes = new Map<string, Probe>();
  const objectTextOf = new Map<string, string>();
  if (rawMode) {
    const json = raw.jsonOutput;
    if (typeof json === 'string' && json.startsWith('=')) {
      probes.set('jsonOutput', rawProbe(json));
    }
  } else {
    rawAssignments.forEach((a, k) => {
      if (objectText && a.type === 'object' && isExpression(a.value)) {
        probes.set(`assignments[${k}].text`, rawProbe(a.value));
        objectTextOf.set(str(a.name, ''), `assignments[${k}].text`);
      }
      // Every version tells an undefined or NaN value apart from null somewhere (Edit Fields 3.2+: NaN is no number).
      const code = singleExpressionCode(a.value);
      if (code !== undefined) probes.set(`assignments[${k}].value`, { kind: 'single', code });
    });
  }
  const made = { probes, objectTextOf };
  byMode.set(key, made);
  return made;
};

export const set: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const raw = ctx.node.parameters;
  const first = params[0] ?? {};
  const conversion = conversionOf(first.conversion);
  const rawMode = str(first.mode, 'manual') === 'raw';
  const rawAssignments = listOf(raw.assignments);

  const { probes, objectTextOf } = probesOf(raw, rawAssignments, rawMode, readsObjectText(conversion));
  const probed = evaluateProbes(ctx, probes);

  // Per item, no closures: this loop runs for every item of every Set node (the engine's hottest path).
  const output: Item[] = [];
  for (let i = 0; i < ctx.items.length; i++) {
    const input = ctx.items[i] as Item;
    const p = params[i] ?? {};
    const made = setItem(input, p, i, {
      conversion,
      rawMode,
      rawAssignments,
      probes,
      probed,
      objectTextOf,
    });
    if (input.binary !== undefined && keepsFiles(p)) made.binary = { ...input.binary };
    output.push(made);
  }
  // n8n's "Duplicate item" setting: test runs only, the count read once.
  if (first.duplicateItem !== true || ctx.meta.execution.mode !== 'manual') return { [MAIN]: output };
  const copies = Math.max(0, Math.floor(Number(first.duplicateCount) || 0)) + 1;
  return {
    [MAIN]: output.flatMap((item, i) =>
      Array.from({ length: copies }, () =>
        pairedWith(
          item.binary ? { json: deepClone(item.json), binary: { ...item.binary } } : { json: deepClone(item.json) },
          { item: i },
        ),
      ),
    ),
  };
};
