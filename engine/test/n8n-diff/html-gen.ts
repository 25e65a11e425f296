import type { Family } from './differ.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import type { JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * HTML 1–1.2: templates with `{{ }}` pieces (fields, objects, lists, missing
 * values, `$` patterns, repeated and unclosed pieces, a template that is
 * itself an expression); extraction by CSS selector of text, HTML, attributes
 * and form values, one value or a list, with skipped selectors, trimming and
 * clean-up, from a field, a path, a list of documents or nothing; and tables
 * of every item set with each option.
 */

const TEMPLATES = [
  '<p>{{ $json.name }}</p>',
  '<b>{{ $json.a }}</b> and {{ $json.a }} again',
  '<i>{{ 1 + 1 }}</i>{{ $json.meta }}',
  '<ul>{{ $json.tags }}</ul>',
  '{{ "$&-$1" }} {{ $json.missing }}',
  'no pieces <br/>',
  'unclosed {{ $json.a ',
  '{{ $json.name.toUpperCase() }}',
  '<h1>{{ $json.b }}</h1>\n<p>{{ $json }}</p>',
  // A template that is itself an expression: resolved first, its own {{ }} pieces gone by then.
  '={{ "<p>" + $json.a + "</p>" }} {{ 2 * 3 }}',
];

const DOCS = [
  '<html><body><p class="x">  Hello\n  <b>world</b> </p><p>Second</p></body></html>',
  '<div id="main"><a href="/one" class="l">One</a><a href="/two">Two</a><img src="i.png" alt="pic"/></div>',
  '<form><input name="q" value="search"/><select multiple><option value="1" selected>1</option><option value="2" selected>2</option></select><textarea>notes</textarea></form>',
  '<ul><li>a</li><li> b </li><li></li></ul><span class="price">$ 3.50</span>',
  '<table><tr><td>1</td><td>2</td></tr></table><h1>Title &amp; more</h1>',
  'plain text, no tags',
  '',
  '<p>unclosed <b>bold',
  '<div><p>Keep <span class="skip">skip me</span> this</p><script>var x = 1;</script></div>',
];

const SELECTORS = [
  'p',
  '.x',
  '#main a',
  'a',
  'input',
  'select',
  'textarea',
  'li',
  'nope',
  'div > p',
  'h1',
  '.price',
  'img',
  '*',
  '',
];

const extraction = (rng: Rng, version: number): Params => {
  const returnValue = rng.pick(['text', 'text', 'html', 'attribute', 'value']);
  const row: Params = {
    key: rng.pick(['value', 'v', 'out', 'text', '']),
    cssSelector: rng.pick(SELECTORS),
    returnValue,
  };
  if (returnValue === 'attribute') row.attribute = rng.pick(['href', 'class', 'src', 'missing', 'value', 'alt']);
  if (returnValue === 'text' && version > 1.1 && rng.chance(0.3))
    row.skipSelectors = rng.pick(['.skip', 'b, script', 'img']);
  if (rng.chance(0.4)) row.returnArray = rng.chance(0.8);
  return row;
};

const docItems = (rng: Rng, field: string): JsonItem[] =>
  Array.from({ length: 1 + rng.int(3) }, (): JsonItem => {
    if (rng.chance(0.05)) return { other: 1 };
    const value = rng.chance(0.15) ? [rng.pick(DOCS), rng.pick(DOCS)] : rng.pick(DOCS);
    if (field === 'nested.html') return { nested: { html: value } };
    return { [field === "['data']" ? 'data' : field]: value };
  });

export const htmlCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 1.1, 1.2]);
  const operation = rng.pick([
    'generateHtmlTemplate',
    'extractHtmlContent',
    'extractHtmlContent',
    'convertToHtmlTable',
  ]);
  const parameters: Params = { operation };
  let items: JsonItem[] = listItems(rng);
  if (operation === 'generateHtmlTemplate') parameters.html = rng.pick(TEMPLATES);
  if (operation === 'extractHtmlContent') {
    const field = rng.pick(['data', 'data', 'data', 'nested.html', "['data']", 'missing']);
    parameters.dataPropertyName = field;
    parameters.extractionValues = {
      values: Array.from({ length: 1 + rng.int(3) }, () => extraction(rng, typeVersion)),
    };
    const options: Params = {};
    if (rng.chance(0.4)) options.trimValues = rng.chance(0.7);
    if (rng.chance(0.4)) options.cleanUpText = rng.chance(0.7);
    parameters.options = options;
    items = docItems(rng, field);
  }
  if (operation === 'convertToHtmlTable') {
    const options: Params = {};
    if (rng.chance(0.3)) options.capitalize = rng.chance(0.8);
    if (rng.chance(0.3)) options.customStyling = rng.chance(0.8);
    if (rng.chance(0.3)) options.caption = rng.pick(['Report', '<b>bold</b>', '={{ "c" }}']);
    if (rng.chance(0.2)) options.tableAttributes = 'class="t"';
    if (rng.chance(0.2)) options.headerAttributes = 'id="h"';
    if (rng.chance(0.2)) options.rowAttributes = rng.pick(['class="r"', '={{ "data-a=" + $json.a }}']);
    if (rng.chance(0.2)) options.cellAttributes = 'align="left"';
    parameters.options = options;
  }
  if (operation === 'generateHtmlTemplate' && rng.chance(0.1)) delete parameters.operation;
  return { family: 'html', seed, type: 'html', typeVersion, parameters, items };
};

export const htmlFamily: Family = {
  name: 'html',
  generate: htmlCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'html',
      typeof c.parameters.operation === 'string' ? c.parameters.operation : 'generateHtmlTemplate',
      ...Object.keys(c.parameters.options ?? {}).sort(),
    ].join(' '),
};
