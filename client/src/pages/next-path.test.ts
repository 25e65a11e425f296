import { describe, expect, it } from 'vitest';
import { authPathWithNext, safeNextPath } from './next-path.ts';

describe('safeNextPath', () => {
  it('keeps paths of the app', () => {
    expect(safeNextPath('/join/abc_DEF-1')).toBe('/join/abc_DEF-1');
    expect(safeNextPath('/w/abc?thread=t1')).toBe('/w/abc?thread=t1');
    expect(safeNextPath('/')).toBe('/');
  });

  it('refuses other origins, schemes and anything that is not one leading slash', () => {
    for (const raw of [
      '//evil.example/join/x',
      '/\\evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'join/abc',
      ' /join/abc',
      '/join/abc\n',
      '/\t/evil.example',
      '',
      null,
      undefined,
    ]) {
      expect(safeNextPath(raw), String(raw)).toBeUndefined();
    }
  });

  it('refuses paths the server answers rather than the app', () => {
    expect(safeNextPath('/api/auth/logout')).toBeUndefined();
    expect(safeNextPath('/webhook/orders')).toBeUndefined();
    expect(safeNextPath('/join/a/b')).toBeUndefined();
  });

  it('round-trips through the auth page’s query string', () => {
    const path = authPathWithNext('signup', '/join/tok');
    expect(path).toBe('/signup?next=%2Fjoin%2Ftok');
    expect(safeNextPath(new URLSearchParams(path.split('?')[1]).get('next'))).toBe('/join/tok');
  });
});
