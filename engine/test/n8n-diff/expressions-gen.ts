import { readFileSync } from 'node:fs';
import type { Family } from './differ.ts';
import { instantiate, type Placeholder } from './expression-forms.ts';
import { caseTexts, dateTexts, numberTexts, scalar, unicodeTexts, value, type Json, type JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * The expression forms most used in public n8n workflows
 * (fixtures/expression-forms.json, made by gather-expression-forms.ts), each
 * made concrete and evaluated in both engines over items shaped for it.
 *
 * Where the value is read: an Edit Fields (Set) 3.4 node in JSON mode whose
 * JSON is the expression `={{ { "v": <expression> } }}`, without the input's
 * other fields. An object-valued JSON parameter goes into the item as it is
 * (no JSON parsing, no type conversion: Set's typed assignments would convert
 * and Set's text JSON would re-parse), so the output item is `{ v }` with the
 * expression's raw value, as JSON. A value that depends on the clock ($now,
 * new Date()) is compared by its shape: its JSON with every digit made 0;
 * one that names the run ($workflow.id, $execution.id) by its type, and a
 * random one only by whether it runs.
 *
 * Cases cycle through the forms (seed modulo the number of forms), so the
 * short budget evaluates every form three times, with other items and fills.
 * Each form's fields become the paths of the items it reads: a field before
 * `.join(` is mostly a list, before `.trim(` mostly text…, and sometimes of
 * another type, null or missing. `$('⟨node⟩')` is mostly "Input" (the node
 * before the one under test), sometimes the trigger or a node that is not there.
 */

interface Fixture {
  forms: { rank: number; form: string }[];
  extensionForms?: { name: string; form: string }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/expression-forms.json', import.meta.url), 'utf8'),
) as Fixture;
/**
 * Every extension function on a field, with typical arguments: the public
 * workflows use only some of them, but each one n8n has should answer as n8n
 * does for values of every type (not only its own).
 */
const PROBES = [
  'isEmpty()',
  'isNotEmpty()',
  'first()',
  'last()',
  'sum()',
  'min()',
  'max()',
  'average()',
  'unique()',
  'removeDuplicates()',
  'compact()',
  'chunk(2)',
  'smartJoin("a", "name")',
  'pluck("a")',
  'pluck("a", "name")',
  'renameKeys("a", "z")',
  'merge()',
  'mergeIntoObject([{ "x": 1 }])',
  'union([1, "a"])',
  'difference([1])',
  'intersection([1, 2])',
  'append(1)',
  'reverse()',
  'keys()',
  'values()',
  'hasField("a")',
  'removeField("a")',
  'removeFieldsContaining("a")',
  'keepFieldsContaining("a")',
  'urlEncode()',
  'toJsonString()',
  'round(1)',
  'round()',
  'floor()',
  'ceil()',
  'abs()',
  'isEven()',
  'isOdd()',
  'isInteger()',
  'format()',
  'toInt()',
  'toFloat()',
  'toBoolean()',
  'toNumber()',
  'toDateTime()',
  'toDateTime("s")',
  'toDate()',
  'toDecimalNumber()',
  'toWholeNumber()',
  'toSentenceCase()',
  'toSnakeCase()',
  'urlDecode()',
  'quote()',
  'isDomain()',
  'isEmail()',
  'isNumeric()',
  'isUrl()',
  'length()',
  'extractEmail()',
  'extractDomain()',
  'extractUrl()',
  'extractUrlPath()',
  'parseJson()',
  'base64Encode()',
  'base64Decode()',
  'removeTags()',
  'removeMarkdown()',
  'beginningOf("month")',
  'endOfMonth()',
  'extract("month")',
  'extract()',
  'isWeekend()',
  'isDst()',
  'plus(1, "day")',
  'minus({ "hours": 2 })',
  'format("yyyy-MM-dd HH:mm")',
  'diffTo("2024-01-01", "days")',
  'isBetween("2020-01-01", "2030-01-01")',
  'plus(2, "weeks")',
  'minus(90, "ms")',
  'plus({ "months": 1, "days": -1 })',
  'toDateTime("yyyy-MM-dd")',
  'toDateTime("excel")',
  'toDateTime("ms")',
  'round(-1)',
  'round(2)',
  'beginningOf("day")',
  'beginningOf("year")',
  'diffTo("2024-02-01", ["days", "hours"])',
  'diffTo("2024-02-01", "fortnights")',
  'extract("yearDayNumber")',
  'extract("weekday")',
  'extract("hour")',
  'toInt(16)',
  'urlEncode(true)',
  'urlDecode(true)',
  'quote("\'")',
  'unique("a")',
  'isInLast(2, "days")',
  'format("ccc, LLL d")',
  'toFloat().round(1)',
  'keys().length',
  'values().first()',
  'compact().isEmpty()',
  'toBoolean() ? 1 : 0',
  'toJsonString().length()',
].map((call) => `$json.⟨f⟩.${call}`);

/**
 * Names an expression does not declare, as n8n's data answers them: its own
 * isNaN and isFinite, its helper functions, its old names, names nothing
 * defines, and globals n8n's data lacks.
 */
const NAME_PROBES = [
  'isNaN($json.⟨f⟩)',
  'isFinite($json.⟨f⟩)',
  'min($json.⟨f⟩, 1)',
  '$max(2, $json.⟨f⟩)',
  'not($json.⟨f⟩)',
  '$data.⟨f⟩',
  '[$position, $thisItemIndex, $thisRunIndex, $runIndex]',
  '{ "k": someName, "w": $json.⟨f⟩ }',
  'typeof someName + typeof console + typeof Math',
  'someName?.x ?? $json.⟨f⟩',
  '[1, 2].map((⟨v1⟩) => ⟨v1⟩ + (typeof ⟨v2⟩))',
  '[$node["⟨node⟩"].parameter, $("⟨node⟩").params, $node["⟨node⟩"].context, $runIndex]',
  // The node under test has not run yet (n8n records a run when it ends): its parameters answer, isExecuted is false.
  '[$("Under test").params.mode, $("Under test").isExecuted, $node["Under test"].parameter.includeOtherFields]',
  '$("Under test").first()',
];

/** The top forms, the most used form of each n8n extension function (beyond the top ones), then the probes. */
export const FORMS: string[] = [
  ...new Set([
    ...fixture.forms.map((f) => f.form),
    ...(fixture.extensionForms ?? []).map((f) => f.form),
    ...PROBES,
    ...NAME_PROBES,
  ]),
];

const NAMES = ['a', 'b', 'name', 'email', 'data', 'id', 'Full Name', 'items', 'meta', 'when', 'text', 'value'];
type Hint = 'string' | 'number' | 'array' | 'object' | 'date' | 'any' | 'objects';

const HINTS: [RegExp, Hint][] = [
  [/^\??\.(toJsonString|isEmpty|isNotEmpty|toInt|toFloat|toBoolean|toNumber|toDateTime|urlEncode)\(/, 'any'],
  [
    /^\??\.(join|map|filter|find|some|every|reduce|slice|includes|indexOf|first|last|sum|unique|pluck|removeDuplicates|average|min|max|compact|chunk|smartJoin|isNotEmpty|isEmpty|forEach|sort|reverse|concat|flat|at|difference|union|intersection|append|renameKeys|randomItem)\(/,
    'array',
  ],
  [
    /^\??\.(trim|toLowerCase|toUpperCase|split|replace|replaceAll|match|substring|slice|startsWith|endsWith|padStart|charAt|extractDomain|extractEmail|extractUrl|toTitleCase|toSentenceCase|toSnakeCase|urlEncode|urlDecode|base64Encode|base64Decode|removeTags|removeMarkdown|isEmail|isUrl|isDomain|isNumeric|quote|hash|parseJson|replaceSpecialChars|toBoolean)\(/,
    'string',
  ],
  [/^\??\.(toNumber|toInt|toFloat|toDecimalNumber|toWholeNumber)\(/, 'string'],
  [
    /^\??\.(toDateTime|toDate|format|plus|minus|beginningOf|endOfMonth|extract|isWeekend|diffTo|diffToNow|isBetween|isInLast|isDst|toISO|toFormat)\(/,
    'date',
  ],
  [/^\??\.(round|floor|ceil|abs|isEven|isOdd|isInteger|toFixed|toLocaleString)\(/, 'number'],
  [/^\??\.(keys|values|hasField|removeField|removeFieldsContaining|keepFieldsContaining)\(/, 'object'],
  [/^\s*[-*/+%]\s*[\d$(]|^\s*[<>]/, 'number'],
];

const hintAfter = (rest: string): Hint => HINTS.find(([re]) => re.test(rest))?.[1] ?? 'any';

const plainTexts = ['', ' ', 'a', 'abc', 'true', 'x,y', 'foo bar', ' padded ', 'Hello World'];
const dateValues = [...dateTexts, '2024-01-15T10:20:30.123Z', '2024-03-31T01:30:00.000Z'];
const leaf = (rng: Rng, hint: Hint): Json | undefined => {
  const r = rng.next();
  if (r < 0.05) return undefined;
  if (r < 0.12) return null;
  if (r < 0.3) return value(rng);
  switch (hint) {
    case 'string':
      return rng.pick([
        ...plainTexts,
        ...caseTexts,
        ...unicodeTexts,
        ...numberTexts,
        ...dateValues,
        'Ann <ann@example.com> https://www.example.com/a?b=1',
        '<p>Hi</p>',
        '{"a":1}',
        '',
      ]);
    case 'number':
      return rng.pick([0, 1, -2, 3.5, 1e21, 0.1, 42, -0]);
    case 'date':
      return rng.chance(0.8) ? rng.pick(dateValues) : rng.pick([1705314030000, 1705314030]);
    case 'array':
      return Array.from({ length: rng.int(5) }, () => (rng.chance(0.3) ? rng.pick([1, 2, 2, 3.5, 0]) : scalar(rng)));
    case 'objects':
      return Array.from({ length: rng.int(4) }, () => ({ a: scalar(rng), name: scalar(rng) }));
    case 'object': {
      const out: Record<string, Json> = {};
      for (const k of rng.shuffle(NAMES).slice(0, rng.int(4))) out[k] = scalar(rng);
      return out;
    }
    default:
      return value(rng);
  }
};

/** Every placeholder of a form in order: its kind, and its index among those of its kind. */
const placeholders = (form: string): { at: number; end: number; kind: string; index: number }[] => {
  const counts = new Map<string, number>();
  return [...form.matchAll(/⟨(v\d+|[a-z]+)⟩/g)].map((m) => {
    const kind = m[1] ?? '';
    const index = counts.get(kind) ?? 0;
    counts.set(kind, index + 1);
    return { at: m.index, end: m.index + m[0].length, kind, index };
  });
};

/** Chains that read an input item: `$json…`, `.json…` (of $('Input') or $input), with their steps. */
const CHAIN = /(\$json|\.json)((?:\??\.⟨f⟩|\["⟨f⟩"\]|\[(?:\d+|⟨n⟩)\])+)(\.length\b)?/g;
const STEP = /\??\.⟨f⟩|\["⟨f⟩"\]|\[(\d+|⟨n⟩)\]/g;

type Step = { field: number } | { index: number };

export const expressionCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const form = FORMS[((seed % FORMS.length) + FORMS.length) % FORMS.length] ?? '$json';
  const marks = placeholders(form);
  // A field read with a dot needs a name that is an identifier; in brackets any name goes ("Full Name").
  const dotted = new Set(marks.filter((p) => p.kind === 'f' && form[p.at - 1] === '.').map((p) => p.index));
  const fieldNames: string[] = [];
  const shuffled = rng.shuffle(NAMES);
  for (let i = 0; i < marks.filter((p) => p.kind === 'f').length; i++) {
    const name = shuffled.find((n) => !fieldNames.includes(n) && (!dotted.has(i) || /^[A-Za-z_$][\w$]*$/.test(n)));
    fieldNames.push(name ?? `f${i}`);
  }
  const fills: Record<string, string[]> = {};
  for (const p of marks) {
    const list = (fills[p.kind] ??= []);
    // A node's parameters are read by their names: mostly those "Input" has (the harness's data, or Code's), sometimes another.
    list[p.index] =
      p.kind === 's' && /\.parameter\[$/.test(form.slice(0, p.at - 1)) && rng.chance(0.7)
        ? rng.pick(['data', 'jsCode', 'mode'])
        : fillFor(rng, p.kind as Placeholder, p.index, fieldNames);
  }
  const markAt = new Map(marks.map((m) => [m.at, m]));
  const chains: { steps: Step[]; hint: Hint }[] = [];
  for (const m of form.matchAll(CHAIN)) {
    const stepsText = m[2] ?? '';
    const base = m.index + (m[1] ?? '').length;
    const steps: Step[] = [];
    for (const s of stepsText.matchAll(STEP)) {
      const ph = markAt.get(base + s.index + s[0].indexOf('⟨'));
      if (s[0].includes('⟨f⟩') && ph) steps.push({ field: ph.index });
      else if (ph) steps.push({ index: Number(fills.n?.[ph.index] ?? 0) });
      else steps.push({ index: Number(s[1]) });
    }
    const rest = form.slice(m.index + m[0].length);
    chains.push({ steps, hint: m[3] ? rng.pick(['string', 'array'] as const) : hintAfter(rest) });
  }
  const count = rng.chance(0.05) ? 0 : 1 + rng.int(3);
  const items: JsonItem[] = Array.from({ length: count }, () => {
    const item: JsonItem = {};
    for (const k of rng.shuffle(['a', 'name']).slice(0, rng.int(2))) item[k] = scalar(rng);
    for (const chain of chains) place(rng, item, chain.steps, fills.f ?? [], chain.hint);
    return item;
  });
  const expression = instantiate(form, (kind, index) => fills[kind]?.[index] ?? '');
  const clocked = /\$now|\$today|new Date\(\)|Date\.now\(\)|DateTime\.now\(\)/.test(form);
  const v = /Math\.random\(\)|randomItem\(\)/.test(form)
    ? `((${expression}), "ran")`
    : /\$workflow\.id|\$execution\.id/.test(form)
      ? `typeof (${expression})`
      : clocked
        ? `JSON.stringify(${expression})?.replace(/\\d/g, "0")`
        : expression;
  return {
    family: 'expressions',
    seed,
    type: 'set',
    typeVersion: 3.4,
    parameters: { mode: 'raw', jsonOutput: `={{ { "v": ${v} } }}`, includeOtherFields: false, options: {} },
    items,
  };
};

const fillFor = (rng: Rng, kind: Placeholder, index: number, names: string[]): string => {
  switch (kind) {
    case 'f':
      return names[index % names.length] ?? 'a';
    case 'node':
      return rng.chance(0.9) ? 'Input' : rng.pick(['Start', 'Nope']);
    case 's':
      return rng.pick(['x', 'hello', 'data', ' ', ', ', '-', 'a']);
    case 'fmt':
      return rng.pick([
        'yyyy-MM-dd',
        'dd/MM/yyyy HH:mm',
        "yyyy-MM-dd'T'HH:mm:ss",
        'MMMM d, yyyy',
        'EEEE',
        'HH:mm:ss ZZZZ',
      ]);
    case 'date':
      return rng.pick(['2024-01-15', '2024-03-10T02:30:00', '2024-01-15T10:20:30.123Z']);
    case 'n':
      return rng.pick(['0', '3', '10', '2.5', '-1']);
    case 're':
      return rng.pick(['(\\w+)', '(\\d+)', '^(\\S+)@(\\S+)$', '\\s+', '(a)']);
    case 'k':
      return `k${index}`;
  }
};

/** Puts a value at the chain's path in `item` (objects and lists on the way; sometimes null or cut short). */
const place = (rng: Rng, item: JsonItem, steps: Step[], fields: string[], hint: Hint): void => {
  let at: Record<string | number, Json> = item;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step;
    const key = 'field' in step ? (fields[step.field] ?? 'a') : step.index;
    const lastStep = i === steps.length - 1;
    if (lastStep) {
      if (at[key] !== undefined && rng.chance(0.5)) return;
      const v = leaf(rng, hint);
      if (v !== undefined) at[key] = v;
      return;
    }
    if (rng.chance(0.04)) return;
    if (rng.chance(0.03)) {
      at[key] = null;
      return;
    }
    const next = steps[i + 1] as Step;
    let child = at[key];
    if (typeof child !== 'object' || child === null) {
      child = 'index' in next ? [] : {};
      at[key] = child;
    }
    if (Array.isArray(child) && 'index' in next && Number.isInteger(next.index) && next.index >= 0) {
      while (child.length < next.index && rng.chance(0.9)) child.push(scalar(rng));
    }
    at = child as Record<string | number, Json>;
  }
};

const shrinkExpression = (p: Params): Params[] => [p];

export const expressionsFamily: Family = {
  name: 'expressions',
  generate: expressionCase,
  shrink: shrinkExpression,
  key: (c) => {
    const form = FORMS[((c.seed % FORMS.length) + FORMS.length) % FORMS.length] ?? '';
    return `expression ${form}`;
  },
};
