import type { Rng } from '@lstm/core';

/**
 * Draws a token index from logits divided by `temperature` (softmax), optionally among the `topK`
 * most likely only. Low temperatures approach the most likely token; 1 samples the model's own
 * distribution; higher ones flatten it.
 * @example const next = sampleToken(logits, 0.7, undefined, Rng.derive(seed, 'sample'));
 */
export function sampleToken(logits: ArrayLike<number>, temperature: number, topK: number | undefined, rng: Rng): number {
  const order = Array.from(logits, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const kept = order.slice(0, topK ?? order.length);
  const max = kept[0]![0];
  const weights = kept.map(([v]) => Math.exp((v - max) / temperature));
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < kept.length; k++) {
    u -= weights[k]!;
    if (u <= 0) return kept[k]![1];
  }
  return kept.at(-1)![1];
}
