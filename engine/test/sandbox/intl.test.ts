import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { answerIntl, MAX_INTL_REQUEST } from '#shared/sandbox/intl-host.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * n8n's expressions run on Node's ICU: dates, numbers and comparisons with
 * locale data must read the same in Weft's sandbox (QuickJS alone prints
 * "1234.5", orders by code point and has no zone names).
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(() => sandbox.dispose());

const scope = { metaText: '{"workflow":{},"execution":{}}', now: 0, zone: 'UTC' };
const inSandbox = (code: string): unknown => {
  const wrapped = `(() => { try { return ${code} } catch (e) { return 'threw ' + e.name + ': ' + e.message } })()`;
  const id = sandbox.compile(EXPRESSION, wrapped, 'intl-test');
  const [[cell]] = JSON.parse(sandbox.evaluate([id], JSON.stringify({ items: [{ json: {} }], refs: {} }), scope)) as {
    v?: unknown;
  }[][] as [[{ v?: unknown }]];
  return cell.v;
};
const inNode = (code: string): unknown => {
  try {
    return JSON.parse(JSON.stringify((0, eval)(code) as unknown)) as unknown;
  } catch (e) {
    return `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
};

describe('Intl in the sandbox reads as in Node (n8n)', () => {
  it.each([
    'String(new Date(0))',
    '`${new Date(1705314030000)}`',
    'new Date(0).toTimeString()',
    'new Date(1705314030000).toLocaleString()',
    'new Date(0).toLocaleString("de-DE", { timeZone: "Europe/Berlin" })',
    'new Date(0).toLocaleDateString("en-GB")',
    'new Date(0).toLocaleTimeString("en-US", { timeZone: "America/New_York", hour12: false })',
    'new Date(NaN).toLocaleString()',
    // n8n's forms: an unknown locale throws (and the expression gives nothing).
    'new Date().toLocaleString("x", { k0: "a", k1: false })',
    '(1234.5).toLocaleString()',
    '(1234.5).toLocaleString("de-DE", { style: "currency", currency: "EUR" })',
    '(-0).toLocaleString()',
    '"a".localeCompare("B")',
    '["b", "a", "C", "ä", "Z"].sort((x, y) => x.localeCompare(y))',
    '"I".toLocaleLowerCase("tr")',
    '[1234.5, new Date(0)].toLocaleString()',
    'new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(2.25)',
    'Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeZone: "Asia/Tokyo" }).format(new Date(0))',
    'new Intl.DateTimeFormat("en", { month: "long" }).formatToParts(new Date(0))',
    '[new Date(0), new Date(86400000)].map(new Intl.DateTimeFormat("fr").format)',
    'new Intl.Collator("de", { sensitivity: "base" }).compare("ä", "a")',
    'new Intl.PluralRules("en", { type: "ordinal" }).select(2)',
    'new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(-1, "day")',
    'new Intl.ListFormat("en", { type: "disjunction" }).format(["a", "b"])',
    'new Intl.NumberFormat("en", { style: "unit", unit: "lightyear" })',
    'Intl.getCanonicalLocales("EN-us")',
    'new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin" }).resolvedOptions().timeZone',
    'Object.prototype.toString.call(new Intl.NumberFormat())',
  ])('%s', (code) => {
    expect(inSandbox(code)).toEqual(inNode(code));
  });

  it('keeps the host to formatting: only its listed operations, within a size', () => {
    const raw = (text: string) => JSON.parse(answerIntl(text)) as { e?: { name: string } };
    const refused = (request: unknown) => raw(JSON.stringify(request));
    expect(refused({ k: 'intl', c: 'DateTimeFormat', m: 'constructor', a: [] }).e?.name).toBe('TypeError');
    expect(refused({ k: 'intl', c: '__proto__', m: 'format', a: [] }).e?.name).toBe('TypeError');
    expect(refused({ k: 'string', m: 'constructor', t: { v: 'x' } }).e?.name).toBe('TypeError');
    expect(refused({ k: 'eval' }).e?.name).toBe('TypeError');
    expect(refused({ k: 'number', t: { x: 1 } }).e?.name).toBe('TypeError');
    expect(raw('x'.repeat(MAX_INTL_REQUEST + 1)).e?.name).toBe('RangeError');
    expect(raw('{').e?.name).toBe('SyntaxError');
    // The sandbox still works after each refusal.
    expect(inSandbox('(1).toLocaleString()')).toBe('1');
  });
});
