import { describe, expect, it } from 'vitest';
import { unpackGates, unpackState } from './unpack-gates.js';

/** A [samples, steps, G·H] record whose entry is 1000·sample + 100·step + 10·block + unit. */
function record(samples: number, steps: number, blocks: number, H: number): Float32Array {
  const data = new Float32Array(samples * steps * blocks * H);
  for (let b = 0; b < samples; b++)
    for (let t = 0; t < steps; t++)
      for (let k = 0; k < blocks; k++)
        for (let u = 0; u < H; u++) data[((b * steps + t) * blocks + k) * H + u] = 1000 * b + 100 * t + 10 * k + u;
  return data;
}

describe('unpackGates and unpackState', () => {
  it('reads each packed gate as [unit][step] of the chosen sample and units', () => {
    const data = record(2, 3, 4, 5);
    const gates = unpackGates({ gateNames: ['i', 'f', 'g', 'o'] }, data, { steps: 3, hidden: 5, units: [1, 4], sample: 1 });
    expect(gates.map(([name]) => name)).toEqual(['i', 'f', 'g', 'o']);
    expect(gates[2]![1]).toEqual([
      [1021, 1121, 1221],
      [1024, 1124, 1224],
    ]);
  });

  it('puts a pinned gate, constant at every step, in its place among the learned ones (NIG: i = 1; o pinned)', () => {
    const data = record(1, 2, 2, 3); // f, g learned
    const gates = unpackGates({ gateNames: ['f', 'g'], constantGates: { o: 0.5, i: 1 } }, data, { steps: 2, hidden: 3 });
    expect(gates.map(([name]) => name)).toEqual(['i', 'f', 'g', 'o']);
    expect(gates[0]![1]).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(gates[1]![1][2]).toEqual([2, 102]); // f: block 0, unit 2
    expect(gates[2]![1][0]).toEqual([10, 110]); // g: block 1, unit 0
    expect(gates[3]![1][0]).toEqual([0.5, 0.5]);
  });

  it('refuses a sample, step count or unit the record does not hold', () => {
    expect(() => unpackGates({ gateNames: ['i', 'f', 'g', 'o'] }, record(1, 3, 4, 5), { steps: 3, hidden: 5, sample: 1 })).toThrow(
      RangeError,
    );
    expect(() => unpackState(record(1, 3, 1, 5), { steps: 3, hidden: 5, units: [5] })).toThrow(/units 5/);
  });

  it('keeps the GRU order and reads states', () => {
    const gates = unpackGates({ gateNames: ['r', 'z', 'n'] }, record(1, 1, 3, 2), { steps: 1, hidden: 2 });
    expect(gates.map(([name]) => name)).toEqual(['r', 'z', 'n']);
    expect(unpackState(record(2, 2, 1, 2), { steps: 2, hidden: 2, sample: 1 })).toEqual([
      [1000, 1100],
      [1001, 1101],
    ]);
  });
});
