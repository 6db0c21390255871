import { ValueError } from './errors.js';

/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32). Every random draw in
 * @lstm — initialisation, dropout masks, shuffling, data — comes from one of these, so the
 * same seed gives the same bits on every run and every platform.
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | null = null;

  constructor(seed = 0) {
    let state = seed >>> 0;
    const next = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    this.#s0 >>>= 0; this.#s1 >>>= 0; this.#s2 >>>= 0; this.#s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, the spare value cached). */
  normal(mean = 0, std = 1): number {
    if (this.#spareNormal !== null) {
      const spare = this.#spareNormal;
      this.#spareNormal = null;
      return mean + std * spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** The generator's full state (to save with a checkpoint and resume bit for bit). */
  getState(): number[] {
    return [this.#s0, this.#s1, this.#s2, this.#s3, this.#spareNormal ?? Number.NaN];
  }

  /** Restores a state from getState(). */
  setState(state: readonly (number | null)[]): this {
    if (state.length !== 5 || !state.slice(0, 4).every((v) => Number.isInteger(v) && v! >= 0 && v! < 2 ** 32)) {
      throw new ValueError(`Rng.setState: expected the 5 numbers getState() returns, got [${state.join(', ')}]`);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = state as [number, number, number, number];
    this.#spareNormal = state[4] === null || Number.isNaN(state[4]) ? null : state[4]!;
    return this;
  }

  /** An independent generator derived from this one (for sub-components). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
