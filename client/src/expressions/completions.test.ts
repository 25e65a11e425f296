import { describe, expect, it } from 'vitest';
import { inferSchema } from '#shared/runs/infer-schema.ts';
import { expressionBefore, offersAt, type CompletionData } from './completions.ts';

const data: CompletionData = {
  upstream: ['HTTP Request', "Ann's list"],
  fields: inferSchema([{ json: { customer: { email: 'ana@example.com', tags: ['a'] }, total: 5, 'first name': 'x' } }]),
};
const labels = (before: string) => offersAt(before, data)?.options.map((o) => o.label) ?? [];

describe('offersAt', () => {
  it('offers the roots after $', () => {
    const offers = offersAt(' $', data);
    expect(offers?.from).toBe(1);
    expect(labels(' $')).toEqual(expect.arrayContaining(['$json', '$input', "$('", '$now', '$execution']));
  });

  it("offers upstream node names after $(' and closes the call, escaping the quote", () => {
    const offers = offersAt(" $('HT", data);
    expect(offers?.from).toBe(4);
    expect(offers?.options.map((o) => [o.label, o.apply])).toEqual([
      ['HTTP Request', "HTTP Request')"],
      ["Ann's list", "Ann\\'s list')"],
    ]);
  });

  it("offers a node accessor's members after $('X').", () => {
    expect(labels(" $('HTTP Request').")).toEqual(['item', 'first()', 'last()', 'all()', 'params', 'itemMatching()']);
  });

  it('offers the fields of the run after $json. and inside objects, with their types', () => {
    expect(labels(' $json.')).toEqual(expect.arrayContaining(['customer', 'total']));
    // Keys that are not identifiers are left to ['…'] syntax.
    expect(labels(' $json.')).not.toContain('first name');
    expect(labels(' $json.customer.')).toEqual(expect.arrayContaining(['email', 'tags']));
    expect(offersAt(' $json.customer.em', data)?.from).toBe(16);
    // A string field offers n8n's string functions; an array field its array functions.
    expect(labels(' $json.customer.email.')).toEqual(expect.arrayContaining(['isEmail()', 'toTitleCase()']));
    expect(labels(' $json.customer.tags.')).toEqual(expect.arrayContaining(['pluck()', 'sum()']));
    expect(labels(" $('HTTP Request').item.json.customer.")).toEqual(expect.arrayContaining(['email']));
  });

  it("offers Luxon's methods after a date and string functions after a literal", () => {
    expect(labels(' $now.')).toEqual(expect.arrayContaining(['plus()', 'toFormat()', 'weekday']));
    expect(labels(' $now.minus({ days: 1 }).')).toEqual(expect.arrayContaining(['toISO()']));
    expect(labels(" 'abc'.")).toEqual(expect.arrayContaining(['toTitleCase()']));
  });
});

describe('expressionBefore', () => {
  it('is the text of the {{ }} the cursor is in, only in an expression', () => {
    expect(expressionBefore('={{ $json.a }} and {{ $no', 25)).toEqual({ text: ' $no', start: 21 });
    expect(expressionBefore('={{ $json.a }} after', 18)).toBeNull();
    expect(expressionBefore('{{ $json.a', 8)).toBeNull();
  });
});
