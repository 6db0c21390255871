import { describe, expect, it } from 'vitest';
import { estimateMemory } from './memory.js';

const run = { task: 'first-last' as const, hidden: 100, layers: 2, bidirectional: true };
const modelBytes = (o: object) => estimateMemory({ ...run, ...o }).model;

describe('the memory estimate reads the cell registry', () => {
  it("counts each cell's own parameters: FGR's [3H, 3H] matrix, a GRU's three blocks, CIFG's three, the LN-LSTM's gains", () => {
    const standard = modelBytes({ cell: 'lstm' });
    // weight_gg [300, 300] and the peepholes [300] per layer and direction, 4 bytes × 8 copies each.
    expect(modelBytes({ cell: 'lstm', variant: 'fgr' }) - standard).toBe(2 * 2 * (300 * 300 + 300) * 4 * 8);
    expect(modelBytes({ cell: 'gru' })).toBeLessThan(standard);
    expect(modelBytes({ cell: 'lstm', variant: 'cifg' })).toBeLessThan(standard);
    expect(modelBytes({ cell: 'ln-lstm' })).toBeGreaterThan(standard); // four [4H] and two [H] gains and biases for two [4H] biases
    // A misspelt cell is sized as an LSTM here; the model builder names the mistake.
    expect(modelBytes({ cell: 'lstn' })).toBe(standard);
  });
});
