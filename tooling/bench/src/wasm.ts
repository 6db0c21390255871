import { createGemmProbe, type GemmShape } from '@lstm/backend-wasm';
import type { Result, Workload } from './workload.js';

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

/** GEMM GFLOP/s on the reference shapes beside the machine's wasm SIMD peak, measured in the same run. */
export async function benchGemm(w: Workload, seconds: number): Promise<{ rows: GemmRow[]; worstOfPeak: number; lines: string[] }> {
  const probe = await createGemmProbe();
  const peak = Math.max(probe.peak(seconds), probe.peak(seconds));
  // Both the peak and each product: the better of two measurements, each the fastest call.
  const rows = shapesOf(w).map((shape) => {
    const gflops = Math.max(probe.gemm(shape, seconds), probe.gemm(shape, seconds));
    return { ...shape, gflops, ofPeak: gflops / peak };
  });
  const lines = [
    `WebAssembly SIMD peak (independent multiply-adds, one thread): ${peak.toFixed(1)} GFLOP/s`,
    '',
    '| GEMM (reference workload) | M × N × K | GFLOP/s | of peak |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.M} × ${r.N} × ${r.K} | ${r.gflops.toFixed(1)} | ${(100 * r.ofPeak).toFixed(0)}% |`),
  ];
  console.error(`  wasm SIMD peak ${peak.toFixed(1)} GFLOP/s; SGEMM ${rows.map((r) => `${(100 * r.ofPeak).toFixed(0)}%`).join(' ')} of it`);
  return { rows, worstOfPeak: Math.min(...rows.map((r) => r.ofPeak)), lines };
}

/** The backend-wasm issue's targets as same-run ratios, each with whether it is met. */
export function wasmTargets(results: Result[], worstOfPeak: number): string[] {
  const find = (workload: string, library: string) => results.find((r) => r.workload === workload && r.library.startsWith(library));
  const wasm = (w: string) => find(w, '@lstm backend-wasm');
  const lines = ['| backend-wasm target | measured | met |', '|---|---|---|'];
  const ratio = (a?: number, b?: number) => (a && b ? a / b : undefined);
  const cpu = (w: string) => find(w, '@lstm backend-cpu');
  const torch = find('reference', 'PyTorch');
  const targets: [label: string, value: number | undefined, goal: number, unit?: string][] = [
    ['GEMM ≥ 70% of the wasm SIMD peak (worst reference shape)', 100 * worstOfPeak, 70, '%'],
    [
      'training, reference ≥ 5× backend-cpu (1 thread)',
      ratio(wasm('reference')?.trainSequencesPerSecond, cpu('reference')?.trainSequencesPerSecond),
      5,
    ],
    [
      'batch inference ≥ 1.5× tf.layers on tfjs-wasm',
      ratio(wasm('reference')?.inferSequencesPerSecond, find('reference', 'TensorFlow.js 4.22 layers, tfjs-wasm')?.inferSequencesPerSecond),
      1.5,
    ],
    ['streaming step ≥ 2× faster than PyTorch', ratio(torch?.streamMicrosecondsPerStep, wasm('reference')?.streamMicrosecondsPerStep), 2],
    ['training, tiny ≥ 2× backend-cpu', ratio(wasm('tiny')?.trainSequencesPerSecond, cpu('tiny')?.trainSequencesPerSecond), 2],
    [
      '2 threads ≥ 1.7× one (training, reference)',
      ratio(find('reference', '@lstm backend-wasm, 2 threads')?.trainSequencesPerSecond, wasm('reference')?.trainSequencesPerSecond),
      1.7,
    ],
  ];
  for (const [label, value, goal, unit = '×'] of targets) {
    const shown = value === undefined ? '—' : `${value.toFixed(2)}${unit}`;
    lines.push(`| ${label} | ${shown} | ${value === undefined ? '—' : value >= goal ? 'yes' : 'no'} |`);
  }
  lines.push(
    '',
    `Remaining gap to PyTorch (reference): training ${ratio(torch?.trainSequencesPerSecond, wasm('reference')?.trainSequencesPerSecond)?.toFixed(2) ?? '—'}× , inference ${ratio(torch?.inferSequencesPerSecond, wasm('reference')?.inferSequencesPerSecond)?.toFixed(2) ?? '—'}× (PyTorch ÷ backend-wasm).`,
  );
  return lines;
}
