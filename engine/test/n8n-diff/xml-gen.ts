import type { Family } from './differ.ts';
import { listItems } from './item-list-params.ts';
import type { JsonItem } from './items.ts';
import { shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * XML 1, both modes with every option. XML to JSON reads documents with
 * attributes, repeated and nested elements, text beside elements, CDATA,
 * entities, comments, a DOCTYPE declaring an entity, namespaces, upper-case
 * tags, white space to trim or normalize, names that reach a prototype, bad
 * XML, empty text and values that are not text. JSON to XML writes the
 * generator's item sets and items using the attribute and character keys.
 */

const DOCS = [
  '<a>1</a>',
  '<root><item id="1">x</item><item id="2">y</item></root>',
  '<root><n>1</n><m a="b"/><n>2</n></root>',
  '<?xml version="1.0"?><Root Attr="v"><Child>Text</Child></Root>',
  '<r>  lead <b>bold</b> trail  </r>',
  '<r><![CDATA[<not> & tags]]></r>',
  '<r>a &amp; b &lt; c &#x41;</r>',
  '<r><!-- note --><x>1</x></r>',
  '<!DOCTYPE r [<!ENTITY e "expanded">]><r>&e;</r>',
  '<ns:r xmlns:ns="urn:x"><ns:c ns:at="1">v</ns:c></ns:r>',
  '<r><__proto__>p</__proto__><c constructor="1" prototype="2"/></r>',
  '<r>\n  <a>  spaced   text  </a>\n  <a/>\n</r>',
  '<r a="1" b="2">text</r>',
  '<r><x><y><z>deep</z></y></x></r>',
  '<r><$>dollar</$></r>',
  '<r><_ a="x">u</_></r>',
  '<unclosed>',
  '<a></b>',
  'not xml',
  '',
  '   ',
  '<r/>',
  '<?pi target?><r>1</r>',
  '<r>émoji 🎉 ü</r>',
];

const keyOption = (rng: Rng): string => rng.pick(['$', '_', '@', 'attrs', '', '#text', '__proto__', '={{ "$" }}']);

const toJsonOptions = (rng: Rng): Params => {
  const options: Params = {};
  if (rng.chance(0.15)) options.attrkey = keyOption(rng);
  if (rng.chance(0.15)) options.charkey = keyOption(rng);
  for (const name of [
    'explicitArray',
    'explicitRoot',
    'ignoreAttrs',
    'mergeAttrs',
    'normalize',
    'normalizeTags',
    'trim',
  ])
    if (rng.chance(0.25)) options[name] = rng.chance(0.5);
  return options;
};

const toXmlOptions = (rng: Rng): Params => {
  const options: Params = {};
  if (rng.chance(0.2)) options.attrkey = keyOption(rng);
  if (rng.chance(0.2)) options.charkey = keyOption(rng);
  for (const name of ['allowSurrogateChars', 'cdata', 'headless'])
    if (rng.chance(0.25)) options[name] = rng.chance(0.6);
  if (rng.chance(0.3)) options.rootName = rng.pick(['root', 'doc', 'a-b', '', 'x y']);
  return options;
};

const xmlItems = (rng: Rng, field: string): JsonItem[] =>
  Array.from({ length: 1 + rng.int(3) }, (): JsonItem => {
    if (rng.chance(0.08)) return { other: 1 };
    return { [field]: rng.chance(0.06) ? rng.pick([42, null, ['<a/>'], true]) : rng.pick(DOCS), keep: 'x' };
  });

const KEYED: JsonItem[] = [
  { $: { id: 1 }, _: 'text', child: { $: { a: 'b' }, _: 'c' } },
  { list: [1, 2, { x: 'y' }], empty: [], nil: null, t: true, s: '<&>' },
  { 'bad name': 1, '1x': 2, cdata: 'a]]>b' },
];

const keyedItems = (rng: Rng): JsonItem[] => (rng.chance(0.6) ? listItems(rng) : KEYED.slice(0, 1 + rng.int(3)));

export const xmlCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const toXml = rng.chance(0.35);
  const field = rng.pick(['data', 'data', 'data', 'xml', 'out']);
  const parameters: Params = toXml
    ? { mode: 'jsonToxml', dataPropertyName: field, options: toXmlOptions(rng) }
    : { mode: 'xmlToJson', dataPropertyName: field, options: toJsonOptions(rng) };
  if (!toXml && rng.chance(0.2)) delete parameters.mode;
  return {
    family: 'xml',
    seed,
    type: 'xml',
    typeVersion: 1,
    parameters,
    items: toXml ? keyedItems(rng) : xmlItems(rng, rng.chance(0.9) ? field : 'data'),
  };
};

export const xmlFamily: Family = {
  name: 'xml',
  generate: xmlCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'xml',
      typeof c.parameters.mode === 'string' ? c.parameters.mode : 'xmlToJson',
      ...Object.keys(c.parameters.options ?? {}).sort(),
    ].join(' '),
};
