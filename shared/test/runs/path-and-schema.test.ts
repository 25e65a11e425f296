import { parseExpressionAt } from 'acorn';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/expressions/template.ts';
import { pathExpression, pathTemplate } from '../../src/expressions/path-expr.ts';
import { inferSchema } from '../../src/runs/infer-schema.ts';

describe('pathExpression', () => {
  it('reads the own input through $json and an earlier node through $(…).item', () => {
    expect(pathExpression(['customer', 'email'], { node: 'HTTP', ownInput: true })).toBe('$json.customer.email');
    expect(pathExpression(['customer', 'email'], { node: 'HTTP', ownInput: false })).toBe(
      "$('HTTP').item.json.customer.email",
    );
    expect(pathExpression(['lines', 0, 'sku'], { node: 'A', ownInput: true })).toBe('$json.lines[0].sku');
  });

  it('quotes keys that are not identifiers, and node names, so no text can break out of the literal', () => {
    expect(pathExpression(['first name', '2nd', 'ok'], { node: 'A', ownInput: true })).toBe(
      "$json['first name']['2nd'].ok",
    );
    const hostile = "x'] + process + ['\\\n}}";
    const expr = pathExpression([hostile], { node: "Ann's }} node", ownInput: false });
    // The expression is one member read whose key and node name are exactly the texts given.
    const ast = parseExpressionAt(expr, 0, { ecmaVersion: 'latest' }) as unknown as {
      end: number;
      type: string;
      property: { value: unknown };
      object: { object: { object: { arguments: { value: unknown }[] } } };
    };
    expect(ast.end).toBe(expr.length);
    expect(ast.type).toBe('MemberExpression');
    expect(ast.property.value).toBe(hostile);
    expect(ast.object.object.object.arguments[0]?.value).toBe("Ann's }} node");
    // And as a template it stays one {{ }} segment.
    const segments = parseTemplate(`=${pathTemplate([hostile], { node: 'A', ownInput: true })}`.slice(1));
    expect(segments.filter((s) => 'code' in s)).toHaveLength(1);
  });
});

describe('inferSchema', () => {
  it('lists fields with their types and examples, nested objects and arrays by their first element', () => {
    const schema = inferSchema([
      { json: { id: 1, customer: { email: 'ana@example.com', tags: ['a'] }, note: null } },
      { json: { id: 2, customer: { email: 'ben@example.com', tags: [] }, note: 'x', extra: true } },
    ]);
    expect(schema.map((f) => [f.label, f.type, f.example])).toEqual([
      ['id', 'number', '1'],
      ['customer', 'object', undefined],
      ['note', 'string', 'x'],
      ['extra', 'boolean', 'true'],
    ]);
    const customer = schema[1];
    expect(customer?.children.map((f) => [f.path, f.type])).toEqual([
      [['customer', 'email'], 'string'],
      [['customer', 'tags'], 'array'],
    ]);
    expect(customer?.children[1]?.children.map((f) => [f.path, f.label, f.type])).toEqual([
      [['customer', 'tags', 0], '[0]', 'string'],
    ]);
  });

  it('marks a field of different types as mixed and stays bounded on deep or wide data', () => {
    expect(inferSchema([{ json: { v: 1 } }, { json: { v: 'one' } }])[0]?.type).toBe('mixed');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i++) deep = { d: deep };
    let depth = 0;
    for (let f = inferSchema([{ json: deep }])[0]; f; f = f.children[0]) depth++;
    expect(depth).toBe(6);
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    expect(inferSchema([{ json: wide }])).toHaveLength(200);
  });
});
