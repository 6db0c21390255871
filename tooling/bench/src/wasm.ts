import { createGemmProbe, type GemmShape } from '@lstm/backend-wasm';
import { showRatio, type Rounds, type Spread } from './rounds.js';
import type { Workload } from './workload.js';

export interface GemmRow extends GemmShape {
  label: string;
  gflops: number;
  ofPeak: number;
}

/** The SGEMM products one training step of workload `w` runs, as backend-wasm runs them. */
function shapesOf(w: Workload): (GemmShape & { label: string })[] {
  const rows = w.batch * w.steps;
  const G = 4 * w.hiddenSize;
  const H = w.hiddenSize;
  return [
    { label: 'input projection, layer 1 (X · W_ihᵀ)', M: rows, N: G, K: w.inputSize, transposeB: true, prepacked: true },
    { label: 'input projection, layer 2', M: rows, N: G, K: H, transposeB: true, prepacked: true },
    { label: 'recurrent step (h · W_hhᵀ)', M: w.batch, N: G, K: H, transposeB: true, prepacked: true },
    { label: 'backward step (dG · W_hh)', M: w.batch, N: H, K: G, prepacked: true },
    { label: 'backward dX, layer 2 (dG · W_ih)', M: rows, N: H, K: G, prepacked: true },
    { label: 'weight gradient (dGᵀ · H_prev)', M: G, N: H, K: rows, transposeA: true },
  ];
}

/** GEMM GFLOP/s on the reference shapes beside the machine's wasm SIMD peak (of the same build), measured in the same run. */
export async function benchGemm(
  w: Workload,
  seconds: number,
  fma = false,
): Promise<{ rows: GemmRow[]; worstOfPeak: number; lines: string[] }> {
  const probe = await createGemmProbe({ fma });
  const build = fma ? 'the FMA build' : 'the default build';
  const peak = Math.max(probe.peak(seconds), probe.peak(seconds));
  // Both the peak and each product: the better of two measurements, each the fastest call.
  const rows = shapesOf(w).map((shape) => {
    const gflops = Math.max(probe.gemm(shape, seconds), probe.gemm(shape, seconds));
    return { ...shape, gflops, ofPeak: gflops / peak };
  });
  const lines = [
    `WebAssembly SIMD peak of ${build} (independent multiply-adds, one thread): ${peak.toFixed(1)} GFLOP/s`,
    '',
    `| GEMM (reference workload), ${build} | M × N × K | GFLOP/s | of peak |`,
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.M} × ${r.N} × ${r.K} | ${r.gflops.toFixed(1)} | ${(100 * r.ofPeak).toFixed(0)}% |`),
  ];
  console.error(
    `  ${build}: wasm SIMD peak ${peak.toFixed(1)} GFLOP/s; SGEMM ${rows.map((r) => `${(100 * r.ofPeak).toFixed(0)}%`).join(' ')} of it`,
  );
  return { rows, worstOfPeak: Math.min(...rows.map((r) => r.ofPeak)), lines };
}

/** The backend-wasm issues' targets as medians of interleaved per-round ratios, each with whether it is met. */
export function wasmTargets(measured: Rounds, worstOfPeak: number): string[] {
  const WASM = '@lstm backend-wasm';
  const lines = ['| backend-wasm target | measured: median (range) | met |', '|---|---|---|'];
  const targets: [label: string, value: Spread | undefined, goal: number][] = [
    ['training, reference ≥ 1.0× PyTorch (1 thread)', measured.ratio('reference', WASM, 'PyTorch', 'trainSequencesPerSecond'), 1],
    ['batch inference, reference ≥ 0.8× PyTorch', measured.ratio('reference', WASM, 'PyTorch', 'inferSequencesPerSecond'), 0.8],
    ['streaming step ≥ 2× faster than PyTorch', measured.ratio('reference', WASM, 'PyTorch', 'streamMicrosecondsPerStep', true), 2],
    [
      'training, reference ≥ 5× backend-cpu (1 thread)',
      measured.ratio('reference', WASM, '@lstm backend-cpu', 'trainSequencesPerSecond'),
      5,
    ],
    [
      'batch inference ≥ 1.5× tf.layers on tfjs-wasm',
      measured.ratio('reference', WASM, 'TensorFlow.js 4.22 layers, tfjs-wasm', 'inferSequencesPerSecond'),
      1.5,
    ],
    ['training, tiny ≥ 2× backend-cpu', measured.ratio('tiny', WASM, '@lstm backend-cpu', 'trainSequencesPerSecond'), 2],
    [
      'training, FMA build ≥ 1.3× PyTorch (1 thread)',
      measured.ratio('reference', `${WASM}, FMA`, 'PyTorch', 'trainSequencesPerSecond'),
      1.3,
    ],
    ['batch inference, FMA build ≥ 0.8× PyTorch', measured.ratio('reference', `${WASM}, FMA`, 'PyTorch', 'inferSequencesPerSecond'), 0.8],
    ['FMA build ÷ default build, training', measured.ratio('reference', `${WASM}, FMA`, WASM, 'trainSequencesPerSecond'), 1],
    ['2 threads ≥ 1.7× one (training, reference)', measured.ratio('reference', `${WASM}, 2 threads`, WASM, 'trainSequencesPerSecond'), 1.7],
  ];
  for (const [label, value, goal] of targets)
    lines.push(`| ${label} | ${showRatio(value)} | ${value === undefined ? '—' : value.median >= goal ? 'yes' : 'no'} |`);
  lines.push(
    `| GEMM ≥ 75% of the wasm SIMD peak (worst reference shape) | ${(100 * worstOfPeak).toFixed(0)}% | ${worstOfPeak >= 0.75 ? 'yes' : 'no'} |`,
  );
  return lines;
}
