import { describe, expect, it } from 'vitest';
import { documentedExceptionIds, exceptions, unexcused } from './exceptions.ts';

describe('the n8n-diff exception list', () => {
  it('is exactly the list docs/n8n-compatibility.md writes up, each id once', () => {
    const documented = documentedExceptionIds();
    expect(new Set(documented).size).toBe(documented.length);
    expect(exceptions.map((e) => e.id).sort()).toEqual([...documented].sort());
  });

  it("excuses a Filter's discarded items and nothing else of the same shape", () => {
    const workflow = {
      nodes: [
        { name: 'F', type: 'n8n-nodes-base.filter' },
        { name: 'S', type: 'n8n-nodes-base.switch' },
      ],
    };
    const discarded = { node: 'F', run: 0, output: 1, what: 'output items', n8n: [{ a: 1 }], weft: [] };
    expect(unexcused([discarded], workflow)).toEqual([]);
    const kept = { ...discarded, output: 0 };
    const otherNode = { ...discarded, node: 'S' };
    expect(unexcused([kept, otherNode], workflow)).toEqual([kept, otherNode]);
  });

  it('excuses the end of a run at a node whose error is excused, and no other end', () => {
    const workflow = { nodes: [{ name: 'H', type: 'n8n-nodes-base.httpRequest' }] };
    const crash = {
      node: 'H',
      run: 0,
      what: 'error vs no error',
      n8n: 'Converting circular structure to JSON …',
      weft: [[{ data: 'x' }]],
    };
    const ended = { node: '(workflow)', what: 'node that ended the run', n8n: 'H', weft: null };
    expect(unexcused([crash, ended], workflow)).toEqual([]);
    const otherEnd = { ...ended, n8n: 'Other' };
    expect(unexcused([crash, otherEnd], workflow)).toEqual([otherEnd]);
  });
  it('excuses the header keys n8n 1–2 add to an input item given as "Headers", and no other change', () => {
    const workflow = {
      nodes: [
        { name: 'Input', type: 'n8n-nodes-base.code' },
        {
          name: 'H',
          type: 'n8n-nodes-base.httpRequest',
          typeVersion: 2,
          parameters: { jsonParameters: true, headerParametersJson: '={{ $json.meta }}' },
        },
      ],
    };
    const mutated = {
      node: 'Input',
      run: 0,
      output: 0,
      what: 'output items',
      n8n: [{ meta: { a: 1, accept: 'application/json' } }],
      weft: [{ meta: { a: 1 } }],
    };
    expect(unexcused([mutated], workflow)).toEqual([]);
    const other = { ...mutated, n8n: [{ meta: { a: 2, accept: 'application/json' } }] };
    const otherKey = { ...mutated, n8n: [{ meta: { a: 1, b: 1 } }] };
    expect(unexcused([other, otherKey], workflow)).toEqual([other, otherKey]);
  });
  it("excuses an input item's list that n8n 4.3+ grew with a repeated name's values, and no other change", () => {
    const workflow = { nodes: [{ name: 'H', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.4 }] };
    const grown = {
      node: 'Input',
      run: 0,
      output: 0,
      what: 'output items',
      n8n: [{ a: ['x', '3.5'] }],
      weft: [{ a: ['x'] }],
    };
    expect(unexcused([grown], workflow)).toEqual([]);
    const changed = { ...grown, n8n: [{ a: ['y', '3.5'] }] };
    const before43 = { nodes: [{ name: 'H', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2 }] };
    expect(unexcused([changed], workflow)).toEqual([changed]);
    expect(unexcused([grown], before43)).toEqual([grown]);
  });
});
