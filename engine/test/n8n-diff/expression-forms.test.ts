import { parseExpressionAt } from 'acorn';
import { describe, expect, it } from 'vitest';
import { expressionForm, expressionSegments, instantiate } from './expression-forms.ts';
import { expressionCase, FORMS } from './expressions-gen.ts';

/** The normaliser behind fixtures/expression-forms.json, and the cases the expressions family makes from it. */

describe('expression forms', () => {
  it('count expressions that differ only in names and literals as one form', () => {
    expect(expressionForm('$json.email.toLowerCase()')).toBe(expressionForm('$json.name.toLowerCase()'));
    expect(expressionForm("$('Get Data').item.json.body.id")).toBe('$("⟨node⟩").item.json.⟨f⟩.⟨f⟩');
    expect(expressionForm('$node["HTTP Request"].json["data"][0].id')).toBe('$node["⟨node⟩"].json["⟨f⟩"][0].⟨f⟩');
    expect(expressionForm("$now.format('yyyy-MM-dd')")).toBe('$now.format("⟨fmt⟩")');
    expect(expressionForm('$json.items.map(item => item.title).join(", ")')).toBe(
      '$json.⟨f⟩.map(⟨v1⟩ => ⟨v1⟩.⟨f⟩).join("⟨s⟩")',
    );
    expect(expressionForm('`Hi ${$json.name}!`')).toBe('`⟨s⟩${$json.⟨f⟩}⟨s⟩`');
    expect(expressionForm('$execution.id')).toBe('$execution.id');
  });

  it('split a parameter value into its {{ }} segments, braces and strings inside them kept', () => {
    expect(expressionSegments('=Hi {{ $json.a }} and {{ { b: "}}" } }}')).toEqual(['$json.a', '{ b: "}}" }']);
    expect(expressionSegments('no = sign {{ $json.a }}')).toEqual([]);
  });

  it('every form of the fixture becomes a runnable expression', () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(100);
    for (const form of FORMS) {
      const code = instantiate(form);
      expect(() => parseExpressionAt(code, 0, { ecmaVersion: 'latest' }), code).not.toThrow();
    }
  });

  it('cases are the same for the same seed and give the items the fields the form reads', () => {
    expect(expressionCase(7)).toEqual(expressionCase(7));
    expect(FORMS[0]).toBe('$json.⟨f⟩');
    let present = 0;
    for (let k = 0; k < 10; k++) {
      const c = expressionCase(k * FORMS.length);
      const field = /\$json\.(\w+)/.exec(String(c.parameters.jsonOutput))?.[1] ?? '';
      if (c.items.some((item) => field in item)) present++;
    }
    expect(present).toBeGreaterThanOrEqual(7);
  });
});
