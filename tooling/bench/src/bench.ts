/**
 * `pnpm bench`: @lstm on backend-cpu, backend-wasm and backend-tfjs (tfjs-wasm, tfjs-cpu) against
 * TensorFlow.js layers on the same tfjs backends, brain.js and PyTorch (when /usr/bin/python3 has
 * torch) on the same shapes, in one run, interleaved in rounds (`rounds.ts`). Prints tables of
 * medians and per-round ratios with their ranges, and writes bench-results/latest.json with every
 * round. `--quick` runs two short rounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpu } from '@lstm/backend-cpu';
import type { BackendFactory } from '@lstm/core';
import { tfjs } from '@lstm/backend-tfjs';
import { wasm, wasmAvailability } from '@lstm/backend-wasm';
import { benchGemm, wasmTargets } from './wasm.js';
import { benchVariants } from './variants.js';
import { benchBrain } from './brain.js';
import { benchLstmJs } from './lstm-js.js';
import { benchTfjs } from './tfjs.js';
import { Rounds, showRatio, type Contestant, type Metric } from './rounds.js';
import { TorchServer } from './torch-server.js';
import { REFERENCE, TINY, type Result, type Workload } from './workload.js';

const quick = process.argv.includes('--quick');
/** Rounds of every comparison (at least four, issue 26), and the sampling time of each measurement in a round. */
const rounds = quick ? 2 : 4;
const seconds = quick ? 0.3 : 0.8;

function log(result: Result, round: number): void {
  const parts = [
    result.trainSequencesPerSecond !== undefined ? `train ${result.trainSequencesPerSecond.toFixed(1)} seq/s` : '',
    result.inferSequencesPerSecond !== undefined ? `infer ${result.inferSequencesPerSecond.toFixed(1)} seq/s` : '',
    result.streamMicrosecondsPerStep !== undefined ? `stream ${result.streamMicrosecondsPerStep.toFixed(0)} µs/step` : '',
    result.gflops !== undefined ? `${result.gflops.toFixed(2)} GFLOP/s` : '',
  ].filter(Boolean);
  console.error(
    `  round ${round}  ${result.workload.padEnd(9)} ${result.library.padEnd(48)} ${parts.join('  ')}${result.note ? `  (${result.note})` : ''}`,
  );
}

/** Every library on one workload, in the order each round runs them. */
function contestants(workload: Workload, torch: TorchServer | undefined, fma: boolean): Contestant[] {
  const lstm = (factory: BackendFactory, library: string): Contestant => ({
    library,
    workload,
    run: (s) => benchLstmJs(workload, s, factory, library),
  });
  const list: Contestant[] = [lstm(cpu(), '@lstm backend-cpu'), lstm(wasm(), '@lstm backend-wasm')];
  // The opt-in fused multiply-add build, where this Node has relaxed SIMD (Node ≥ 22).
  if (fma) list.push(lstm(wasm({ name: 'wasm-fma', fma: true }), '@lstm backend-wasm, FMA'));
  if (workload === REFERENCE) {
    list.push(lstm(wasm({ name: 'wasm-2', threads: 2 }), '@lstm backend-wasm, 2 threads'));
    list.push(lstm(cpu({ name: 'cpu-2', threads: 2 }), '@lstm backend-cpu, 2 threads'));
  }
  for (const backend of ['wasm', 'cpu'] as const) {
    list.push(lstm(tfjs({ backend, warnings: false }), `@lstm backend-tfjs, tfjs-${backend}`));
    list.push({ library: `TensorFlow.js 4.22 layers, tfjs-${backend}`, workload, run: (s) => benchTfjs(backend, workload, s) });
  }
  list.push({ library: 'brain.js', workload, run: (s) => benchBrain(workload, s) });
  if (torch) list.push({ library: 'PyTorch', workload, run: (s) => torch.measure(workload, s) });
  return list;
}

async function main(): Promise<void> {
  console.error(
    `@lstm benchmark — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${rounds} interleaved rounds${quick ? ' (quick)' : ''}`,
  );
  const torch = TorchServer.start();
  const { fma } = await wasmAvailability();
  const measured = new Rounds();
  try {
    await measured.run([...contestants(REFERENCE, torch, fma), ...contestants(TINY, torch, fma)], rounds, seconds, log);
  } finally {
    torch?.close();
  }
  const gemm = await benchGemm(REFERENCE, seconds);
  const gemmFma = fma ? await benchGemm(REFERENCE, seconds, true) : undefined;
  const variants = await benchVariants(rounds, seconds, log);
  const results = measured.medians();
  const ratioOf = (workload: string, a: string, b: string, metric: Metric, lowerIsBetter = false) =>
    showRatio(measured.ratio(workload, a, b, metric, lowerIsBetter));

  const torchNote = results.find((r) => r.library.startsWith('PyTorch'))?.note;
  const lines = [
    `Node ${process.version} (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores); ${torchNote ? `PyTorch on ${torchNote}` : 'no PyTorch in /usr/bin/python3'}.`,
    `Interleaved: ${rounds} rounds, every library once per round in the same order; numbers are medians over the rounds,`,
    'ratios the median of the per-round ratios with their range.',
    '',
    '| workload | library | train seq/s | infer seq/s | stream µs/step | train GFLOP/s | ours ÷ theirs (train) | theirs ÷ ours (stream) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const CPU = '@lstm backend-cpu';
  for (const r of results) {
    // @lstm's own backends against tf.layers on tfjs-wasm; everything else against backend-cpu.
    const ours = r.library.startsWith('@lstm backend-') && !r.library.startsWith('@lstm backend-tfjs');
    const peer = 'TensorFlow.js 4.22 layers, tfjs-wasm';
    const train =
      r.library === CPU
        ? '—'
        : ours
          ? `${ratioOf(r.workload, r.library, peer, 'trainSequencesPerSecond')} vs tfjs-wasm`
          : ratioOf(r.workload, CPU, r.library, 'trainSequencesPerSecond');
    const stream =
      r.library === CPU
        ? '—'
        : ours
          ? `${ratioOf(r.workload, r.library, peer, 'streamMicrosecondsPerStep', true)} vs tfjs-wasm`
          : ratioOf(r.workload, CPU, r.library, 'streamMicrosecondsPerStep', true);
    lines.push(
      `| ${r.workload} | ${r.library} | ${r.trainSequencesPerSecond?.toFixed(1) ?? '—'} | ${r.inferSequencesPerSecond?.toFixed(1) ?? '—'} | ${r.streamMicrosecondsPerStep?.toFixed(0) ?? '—'} | ${r.gflops?.toFixed(2) ?? '—'} | ${train} | ${stream} |`,
    );
  }
  // The tfjs issue's target: @lstm on a tfjs backend against tf.layers on the same tfjs backend.
  lines.push(
    '',
    '| workload | tfjs backend | @lstm backend-tfjs ÷ tf.layers (train) | (infer) | tf.layers ÷ @lstm (stream µs) |',
    '|---|---|---|---|---|',
  );
  for (const r of results.filter((x) => x.library.startsWith('@lstm backend-tfjs'))) {
    const backend = r.library.split(', ')[1]!;
    const peer = `TensorFlow.js 4.22 layers, ${backend}`;
    lines.push(
      `| ${r.workload} | ${backend} | ${ratioOf(r.workload, r.library, peer, 'trainSequencesPerSecond')} | ${ratioOf(r.workload, r.library, peer, 'inferSequencesPerSecond')} | ${ratioOf(r.workload, r.library, peer, 'streamMicrosecondsPerStep', true)} |`,
    );
  }
  lines.push(
    '',
    ...gemm.lines,
    '',
    ...(gemmFma ? [...gemmFma.lines, ''] : []),
    ...wasmTargets(measured, gemm.worstOfPeak),
    '',
    ...variants,
  );
  console.log(lines.join('\n'));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/latest.json',
    JSON.stringify(
      {
        date: new Date().toISOString(),
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        node: process.version,
        rounds: measured.rounds,
        results,
        gemm: gemm.rows,
        gemmFma: gemmFma?.rows,
      },
      null,
      2,
    ),
  );
}

await main();
