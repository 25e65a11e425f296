import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { mentionsExtension, rewriteExtensions } from '#shared/expressions/extensions/rewrite.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * n8n's expression extension functions, as n8n 2.x evaluates them (the
 * differential `expressions` family checks the same against n8n itself).
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ timeoutMs: 2000, memoryBytes: 32 * 1024 * 1024 });
});
afterAll(() => sandbox.dispose());

const scope = {
  metaText: JSON.stringify({ workflow: {}, execution: {} }),
  now: Date.UTC(2024, 0, 15, 10, 20, 30),
  zone: 'UTC',
};
const json = {
  text: ' Hello World ',
  n: 3.14159,
  list: [3, 1, 3, 2],
  obj: { a: 1, b: '' },
  first: 'a field named like an extension',
  when: '2024-01-15T10:20:30.123Z',
};

/** The expression's value for one item, or the error it throws as "Name: message". */
const evaluate = (code: string): unknown => {
  const id = sandbox.compile(EXPRESSION, code, 'test-expression');
  const [[result]] = JSON.parse(sandbox.evaluate([id], JSON.stringify({ items: [{ json }], refs: {} }), scope)) as [
    [{ v?: unknown; e?: { name: string; message: string } }],
  ];
  if (result.e) return `${result.e.name}: ${result.e.message}`;
  return result.v;
};

describe('rewrite', () => {
  it('turns extension calls into extend(…) and leaves the rest of the text as written', () => {
    expect(rewriteExtensions('$json.list.first() + 1')).toBe('extend($json.list, "first", []) + 1');
    expect(rewriteExtensions('$json.a.round(2).format()')).toBe('extend(extend($json.a, "round", [2]), "format", [])');
    expect(rewriteExtensions('{ a, b: $json.x.isEmpty() }')).toBe('{ a, b: extend($json.x, "isEmpty", []) }');
  });

  it('rewrites only when the text shows an extension call, as n8n does', () => {
    expect(mentionsExtension('$json.first')).toBe(false);
    expect(mentionsExtension('$json.name.toUpperCase()')).toBe(false);
    // n8n leaves the first quoted string out of its test.
    expect(mentionsExtension('"a.first()" + $json.x')).toBe(false);
    expect(rewriteExtensions('$json.name.toUpperCase()')).toBe('$json.name.toUpperCase()');
    expect(rewriteExtensions('$json.a.first( ')).toBe('$json.a.first( ');
  });
});

describe('extension functions', () => {
  it('pick the function of the value’s type', () => {
    expect(evaluate('$json.text.isEmpty()')).toBe(false);
    expect(evaluate('$json.list.first()')).toBe(3);
    expect(evaluate('$json.list.last()')).toBe(2);
    expect(evaluate('$json.list.sum()')).toBe(9);
    expect(evaluate('$json.list.unique()')).toEqual([3, 1, 2]);
    expect(evaluate('$json.obj.keys()')).toEqual(['a', 'b']);
    expect(evaluate('$json.obj.isEmpty()')).toBe(false);
    expect(evaluate('$json.n.round(2)')).toBe(3.14);
    // Intl.NumberFormat('en-US') rounds the shortest decimal text: 1.0005 is "1.001", not toFixed's "1.000".
    expect(evaluate('[(1234.5678).format(), (1.0005).format(), (1e21).format(), (-0.0004).format()]')).toEqual([
      '1,234.568',
      '1.001',
      '1,000,000,000,000,000,000,000',
      '-0',
    ]);
    expect(evaluate('$json.text.length()')).toBe(13);
    expect(evaluate('"12".toNumber()')).toBe(12);
    expect(evaluate('"aMOpbGxv".base64Decode()')).toBe('héllo');
    expect(evaluate('"héllo".base64Encode()')).toBe('aMOpbGxv');
    expect(evaluate('"ann@example.com".extractDomain()')).toBe('example.com');
    expect(evaluate('$json.obj.toJsonString()')).toBe('{"a":1,"b":""}');
  });

  it('format dates: $now (a DateTime), a Date, and ISO text as Date#toISOString writes it', () => {
    expect(evaluate('$now.format("yyyy-MM-dd")')).toBe('2024-01-15');
    // n8n looks an ISO text up as a date but hands the function the text, which Luxon reads as invalid.
    expect(evaluate('$json.when.format("yyyy")')).toBe('Invalid DateTime');
    expect(evaluate('$json.when.minus(1, "hour")')).toBeNull();
    expect(evaluate('new Date($json.when).format("yyyy")')).toBe('2024');
    expect(evaluate('$today.plus(1, "day").format("dd")')).toBe('16');
  });

  it('reverse() copies: the list it is called on stays as it was', () => {
    expect(evaluate('[$json.list.reverse(), $json.list]')).toEqual([
      [2, 3, 1, 3],
      [3, 1, 3, 2],
    ]);
  });

  it('missing values: the generic isEmpty answers, other functions fail with n8n’s message', () => {
    expect(evaluate('$json.missing.isEmpty()')).toBe(true);
    expect(evaluate('$json.missing.toJsonString()')).toBe(
      "ExpressionExtensionError: toJsonString can't be used on undefined value",
    );
    expect(evaluate('$json.missing?.toJsonString()')).toBeUndefined();
    // An optional link before the call cancels the whole chain, as n8n's rewrite of optional chains does.
    expect(evaluate('$json.missing?.deeper.toJsonString() ?? "none"')).toBe('none');
    expect(evaluate('$json.obj?.b.toJsonString()')).toBe('""');
    // n8n's polyfill splits the chain at each "?.": the cancel reaches past the call to the chain's end, so
    // `?? "none"` answers rather than a TypeError on `undefined.length` emptying the whole expression.
    expect(evaluate('$json.missing?.b.toJsonString().length ?? "none"')).toBe('none');
    expect(evaluate('$json.missing?.isEmpty().toString() ?? "n"')).toBe('n');
    expect(evaluate('$json.obj?.z?.c.toJsonString().length ?? "q"')).toBe('q');
    expect(evaluate('$json.list?.first().toString().length')).toBe(1);
    expect(evaluate('(5).extractDomain()')).toBe(
      'ExpressionExtensionError: extractDomain() is only callable on type "String"',
    );
    expect(evaluate('(5).keys()')).toBe('ExpressionExtensionError: keys() is only callable on type "Object"');
    expect(evaluate('true.isEven()')).toBe('ExpressionExtensionError: isEven() is only callable on type "Number"');
    expect(evaluate('"x".toNumber()')).toBe('ExpressionExtensionError: cannot convert to number');
  });

  it('a field named like an extension stays a field, and natives still answer', () => {
    expect(evaluate('$json.first')).toBe(json.first);
    expect(evaluate('Math.floor(2.5) + $json.list.first()')).toBe(5);
    expect(evaluate('[1, 2].includes(2) && $json.list.last() === 2')).toBe(true);
  });

  it('list helpers: renameKeys, merge, chunk, pluck', () => {
    expect(evaluate('[{ a: 1, b: 2 }, 3].renameKeys("a", "z")')).toEqual([{ z: 1, b: 2 }, 3]);
    expect(evaluate('[{ a: 1 }, { a: 2, b: 3 }].merge()')).toEqual({ a: 1, b: 3 });
    expect(evaluate('[1, 2, 3].chunk(2)')).toEqual([[1, 2], [3]]);
    expect(evaluate('({ a: 1, b: "x y", c: "(!)" }).urlEncode()')).toBe('a=1&b=x+y&c=%28%21%29');
    expect(evaluate('[{ a: 1, b: 2 }, { b: 3 }].pluck("a")')).toEqual([1]);
    expect(evaluate('[1, "2"].sum()')).toBe('ExpressionExtensionError: sum(): all array elements must be numbers');
  });

  it('hash() and toTitleCase() as n8n’s md5, jsSHA and title-case give them', () => {
    expect(evaluate('"héllo".hash()')).toBe('be50e8478cf24ff3595bc7307fb91b50');
    expect(evaluate('"abc".hash("sha256")')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(evaluate('"the lord of the rings".toTitleCase()')).toBe('The Lord of the Rings');
  });

  it('replaceSpecialChars() transliterates as n8n’s transliterate(value, { unknown: "?" }) does', () => {
    // n8n: the transliteration package's table; a character it lacks (any beyond U+FFFF) is "?"; the spellings of
    // two Chinese characters in a row get a space between them unless the second has punctuation.
    expect(evaluate('"déjà vu".replaceSpecialChars()')).toBe('deja vu');
    expect(evaluate('"Ünïcödé ß".replaceSpecialChars()')).toBe('Unicode ss');
    expect(evaluate('"Привет".replaceSpecialChars()')).toBe('Privet');
    expect(evaluate('"中文 abc".replaceSpecialChars()')).toBe('Zhong Wen abc');
    expect(evaluate('"中,文".replaceSpecialChars()')).toBe('Zhong,Wen');
    expect(evaluate('"😀a".replaceSpecialChars()')).toBe('?a');
  });

  it('functions Weft does not carry say so', () => {
    expect(evaluate('"abc".hash("sha512")')).toBe(
      "ExpressionExtensionError: sha512 hashes are not available in Weft's expressions",
    );
  });

  it('extend is frozen and refuses the names n8n refuses', () => {
    expect(evaluate('extend(1, "constructor", [])')).toBe(
      'ExpressionExtensionError: Cannot access "constructor" via expression extension due to security concerns',
    );
    expect(evaluate('(() => { try { globalThis.extend = () => 1; } catch (e) { return e.name; } })()')).toBe(
      'TypeError',
    );
    expect(evaluate('$json.list.first()')).toBe(3);
  });

  it('an expression wrapped whole in parentheses is rewritten too', () => {
    expect(evaluate('($json.list.first())')).toBe(3);
    expect(evaluate('(($json.list).last())')).toBe(2);
  });
});
