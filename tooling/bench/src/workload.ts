/** The benchmark workloads (issue #2): same shapes for every library. */
export interface Workload {
  name: string;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  steps: number;
  batch: number;
  classes: number;
}

export const REFERENCE: Workload = { name: 'reference', inputSize: 8, hiddenSize: 128, numLayers: 2, steps: 30, batch: 32, classes: 4 };
export const TINY: Workload = { name: 'tiny', inputSize: 8, hiddenSize: 32, numLayers: 1, steps: 30, batch: 1, classes: 4 };
/** The GPU's workload (issue 25): where a GPU has enough work per step to show what it can do. */
export const LARGE: Workload = { name: 'large', inputSize: 64, hiddenSize: 512, numLayers: 2, steps: 100, batch: 64, classes: 4 };

/** Multiply–adds ×2 of one forward pass over one sequence (recurrent layers + head). */
export function forwardFlops(w: Workload): number {
  let flops = 0;
  for (let layer = 0; layer < w.numLayers; layer++) {
    const input = layer === 0 ? w.inputSize : w.hiddenSize;
    flops += 2 * w.steps * 4 * w.hiddenSize * (input + w.hiddenSize);
  }
  return flops + 2 * w.hiddenSize * w.classes;
}

/** Forward + backward (dX and dW, each as costly as the forward). */
export function trainingFlops(w: Workload): number {
  return 3 * forwardFlops(w);
}

/** Deterministic inputs in [−1, 1) and labels. */
export function makeBatch(w: Workload, seed: number, batch = w.batch): { x: Float32Array; y: Int32Array } {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const x = Float32Array.from({ length: batch * w.steps * w.inputSize }, () => next() * 2 - 1);
  const y = Int32Array.from({ length: batch }, () => Math.floor(next() * w.classes));
  return { x, y };
}

export interface Timing {
  /** Median seconds per call. */
  median: number;
  samples: number;
}

/**
 * Median wall time of `fn` after warm-up, sampling for about `seconds`. The warm-up runs for half
 * that time (at least two calls): wasm code tiers up and tfjs's heap grows over the first calls
 * (a tfjs-wasm step takes 3–6× longer for its first half-dozen runs), and every library gets the same.
 */
export function measure(fn: () => void, seconds = 2, minSamples = 5): Timing {
  const warmStart = performance.now();
  for (let calls = 0; calls < 2 || (performance.now() - warmStart) / 1000 < seconds / 2; calls++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minSamples || (performance.now() - start) / 1000 < seconds) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 2000) break;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, samples: times.length };
}

/** `measure` for work that ends in an asynchronous read (a GPU's): each call awaited in turn. */
export async function measureAsync(fn: () => Promise<void>, seconds = 2, minSamples = 5): Promise<Timing> {
  const warmStart = performance.now();
  for (let calls = 0; calls < 2 || (performance.now() - warmStart) / 1000 < seconds / 2; calls++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minSamples || (performance.now() - start) / 1000 < seconds) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 2000) break;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, samples: times.length };
}

export interface Result {
  library: string;
  workload: string;
  trainSequencesPerSecond?: number;
  inferSequencesPerSecond?: number;
  streamMicrosecondsPerStep?: number;
  gflops?: number;
  note?: string;
}
