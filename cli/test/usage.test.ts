import { describe, expect, it } from 'vitest';
import { weft } from './helpers.ts';

/**
 * A wrong command line, as the README's table promises: exit 2, one
 * `weft: …` line, and with --json the error as JSON on stdout — a script
 * reading stdout never gets the library's own `error: …` text.
 */
describe('usage errors', () => {
  it('a mistyped command is named, not taken for an argument of serve', async () => {
    const result = await weft(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weft: unknown command 'frobnicate'/);
  });

  it('a bad option or a missing argument is one weft: line and exit 2', async () => {
    for (const args of [
      ['workflow', 'list', '--bogus'],
      ['executions', 'get'],
    ]) {
      const result = await weft(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(
        /^weft: (unknown option '--bogus'|missing required argument 'id')\n/,
      );
      expect(result.stderr).not.toMatch(/^error:/m);
    }
  });

  it('a server URL ending in /api is refused with the address to use', async () => {
    const result = await weft(['workflow', 'list', '--url', 'http://127.0.0.1:1/api/', '--token', 'weft_x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/without \/api: http:\/\/127\.0\.0\.1:1\n/);
  });

  it('with --json the error is one JSON value on stdout', async () => {
    const result = await weft(['executions', 'list', '--status', 'bogus', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'usage', message: expect.stringMatching(/--status .*bogus/) as unknown },
    });
  });
});
