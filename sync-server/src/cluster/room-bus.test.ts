import { describe, expect, it } from 'vitest';
import { decodeRoomMessage, encodeRoomMessage, type RoomMessage } from './room-bus.ts';

/** Whatever arrives on a channel is decoded or refused, never thrown, never half-read. */
describe('the bus message codec', () => {
  const valid: RoomMessage = {
    t: 'updates',
    from: 'instance-a',
    firstSeq: 3,
    lastSeq: 4,
    data: [new Uint8Array([1]), new Uint8Array([2, 3])],
  };

  it('refuses truncated, padded and inconsistent messages', () => {
    const bytes = encodeRoomMessage(valid);
    expect(decodeRoomMessage(bytes)).toEqual(valid);
    for (let cut = 0; cut < bytes.length; cut++) expect(decodeRoomMessage(bytes.slice(0, cut))).toBeUndefined();
    expect(decodeRoomMessage(new Uint8Array([...bytes, 0]))).toBeUndefined();
    // Two seqs announced, one update carried.
    expect(decodeRoomMessage(encodeRoomMessage({ ...valid, data: [new Uint8Array([1])] }))).toBeUndefined();
    expect(decodeRoomMessage(encodeRoomMessage({ ...valid, firstSeq: 5 }))).toBeUndefined();
    expect(decodeRoomMessage(encodeRoomMessage({ ...valid, firstSeq: 0, lastSeq: 1 }))).toBeUndefined();
  });

  it('refuses live state that is not the live-status contract', () => {
    const bad = encodeRoomMessage({
      t: 'live',
      from: 'a',
      state: { execution: { id: 'x', status: 'exploded', nodes: {} } } as never,
    });
    expect(decodeRoomMessage(bad)).toBeUndefined();
    // A newer instance's live message (another `v`) is dropped, not misread.
    const newer = encodeRoomMessage({ t: 'live', from: 'a', state: { v: 2 } as never });
    expect(decodeRoomMessage(newer)).toBeUndefined();
    const current = { t: 'live', from: 'a', state: { v: 1, testWebhook: { at: 1, value: null } } } as const;
    expect(decodeRoomMessage(encodeRoomMessage(current))).toEqual(current);
  });

  it('never throws on random bytes (seeded)', () => {
    let seed = 20261203;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      expect(() => decodeRoomMessage(bytes), `seed 20261203, case ${i}`).not.toThrow();
    }
  });
});
