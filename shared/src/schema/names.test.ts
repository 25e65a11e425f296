import { describe, expect, it } from 'vitest';
import { nameBase, resolveNames, uniqueName } from './names.ts';

describe('node names (SPEC DOC5)', () => {
  it('uniqueName keeps a free name and numbers a taken one the n8n way', () => {
    expect(uniqueName('Set', new Set())).toBe('Set');
    expect(uniqueName('HTTP Request', new Set(['HTTP Request']))).toBe('HTTP Request1');
    expect(uniqueName('HTTP Request', new Set(['HTTP Request', 'HTTP Request1']))).toBe('HTTP Request2');
    expect(uniqueName('Set1', new Set(['Set1']))).toBe('Set2');
  });

  it('nameBase strips trailing digits but never to nothing', () => {
    expect(nameBase('Fetch12')).toBe('Fetch');
    expect(nameBase('2024')).toBe('2024');
  });

  it('resolveNames gives the name to the lowest id and never collides with a later real name', () => {
    const resolved = resolveNames([
      { id: 'b', name: 'Fetch' },
      { id: 'a', name: 'Fetch' },
      { id: 'c', name: 'Fetch1' },
    ]);
    expect(resolved.get('a')).toBe('Fetch');
    expect(resolved.get('c')).toBe('Fetch1');
    expect(resolved.get('b')).toBe('Fetch2');
  });

  it('resolveNames is independent of input order', () => {
    const nodes = [
      { id: 'x1', name: 'IF' },
      { id: 'x0', name: 'IF' },
      { id: 'x2', name: 'IF' },
    ];
    const forward = resolveNames(nodes);
    const backward = resolveNames([...nodes].reverse());
    expect([...forward.entries()].sort()).toEqual([...backward.entries()].sort());
    expect(new Set(forward.values()).size).toBe(3);
  });
});
