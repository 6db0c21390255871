import { ValueError } from './errors.js';

/**
 * What a stream of random draws is for. `Rng.derive(seed, purpose)` gives each purpose its own
 * independent stream from one user seed; these are the ones @lstm itself uses.
 */
export type RandomPurpose = 'data' | 'init' | 'dropout' | 'shuffle' | 'sample' | (string & {});

/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32). Every random draw in
 * @lstm — initialisation, dropout masks, shuffling, data — comes from one of these, so the
 * same seed gives the same bits on every run and every platform.
 *
 * One user seed feeds several purposes (the data, the initial weights, dropout, the minibatch
 * order), and each purpose draws from its own stream, `Rng.derive(seed, purpose)`, so that no
 * two of them are functions of the same draws: the first weights do not depend on the draws
 * that made the first training sequence, and changing the data size leaves initialisation alone.
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

  /**
   * An independent generator for one purpose, derived from a user seed as NumPy's
   * `SeedSequence` spawns child streams: the seed (all 53 bits) and the purpose's name are
   * hashed into the generator's 128-bit state, so streams for different purposes (or seeds)
   * share no structure. The same seed and purpose always give the same stream.
   * @example const init = Rng.derive(1, 'init'), shuffle = Rng.derive(1, 'shuffle');
   */
  static derive(seed: number, purpose: RandomPurpose): Rng {
    if (!Number.isSafeInteger(seed)) throw new ValueError(`Rng.derive: the seed must be an integer, got ${seed}`);
    const entropy: number[] = [seed >>> 0, Math.floor(Math.abs(seed) / 2 ** 32) >>> 0, seed < 0 ? 1 : 0];
    for (let i = 0; i < purpose.length; i++) entropy.push(purpose.charCodeAt(i));
    entropy.push(purpose.length);
    // Each state word absorbs every entropy word through a different multiplier, then is finalised.
    const words = [0x43b0d7e5, 0x8b51f9dd, 0x1f83d9ab, 0x5be0cd19].map((word, lane) => {
      let h = word;
      for (const value of entropy) h = mix32((h ^ value) >>> 0, LANE_MULTIPLIERS[lane]!);
      return mix32(h, 0x9e3779b1);
    });
    if (!words.some((word) => word !== 0)) words[0] = 1; // xoshiro's one forbidden state
    return new Rng(0).setState([...words, Number.NaN]);
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
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
    this.#s3 >>>= 0;
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

  /** A generator seeded from this one's next draw (for sub-components sharing a stream). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

const LANE_MULTIPLIERS = [0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f, 0x165667b1];

/** A 32-bit avalanche step (murmur3's finaliser with a chosen multiplier). */
function mix32(value: number, multiplier: number): number {
  let z = Math.imul(value ^ (value >>> 16), multiplier) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0x85ebca6b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
