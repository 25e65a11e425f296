import * as prng from 'lib0/prng';

/**
 * The fuzzer's randomness: lib0's seeded PRNG behind a few helpers. Every
 * input draws from its own stream, seeded from the run's seed and the
 * input's number, so input #n is the same whatever order the concurrent
 * inputs before it finished in.
 */
export class Rand {
  private readonly gen: prng.PRNG;

  constructor(readonly seed: number) {
    // Xorshift32 (which seeds the generator) never leaves 0.
    this.gen = prng.create(seed >>> 0 || 1);
  }

  /** The stream of input `index` of a run seeded with `seed`. */
  static forInput(seed: number, index: number): Rand {
    let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return new Rand((h ^ (h >>> 16)) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.gen.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return prng.int53(this.gen, min, max);
  }

  chance(p: number): boolean {
    return this.gen.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [w, value] of choices) {
      roll -= w;
      if (roll < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  /** A length skewed towards small ones, now and then large: most inputs are small, some are not. */
  size(max: number): number {
    const r = this.next();
    if (r < 0.6) return this.int(0, Math.min(max, 16));
    if (r < 0.9) return this.int(0, Math.min(max, 512));
    return this.int(0, max);
  }

  bytes(length: number): Uint8Array {
    return prng.uint8Array(this.gen, length);
  }

  word(min = 1, max = 12): string {
    return prng.word(this.gen, min, max);
  }

  /** A string of any UTF-16 code units, lone surrogates included. */
  units(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(0, 0xffff));
    return s;
  }
}
