/**
 * `pnpm bench`: @lstm on backend-cpu, backend-wasm and backend-tfjs (tfjs-wasm, tfjs-cpu) against
 * TensorFlow.js layers on the same tfjs backends, brain.js and PyTorch (when /usr/bin/python3 has
 * torch) on the same shapes, in one run. Prints a table
 * with ratios and writes bench-results/latest.json. `--quick` samples for less time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpu } from '@lstm/backend-cpu';
import { tfjs } from '@lstm/backend-tfjs';
import { wasm } from '@lstm/backend-wasm';
import { benchGemm, wasmTargets } from './wasm.js';
import { benchBrain } from './brain.js';
import { benchLstmJs } from './lstm-js.js';
import { benchTfjs } from './tfjs.js';
import { REFERENCE, TINY, type Result, type Workload } from './workload.js';

const quick = process.argv.includes('--quick');
const seconds = quick ? 0.5 : 2;
const results: Result[] = [];

function log(result: Result): void {
  results.push(result);
  const parts = [
    result.trainSequencesPerSecond !== undefined ? `train ${result.trainSequencesPerSecond.toFixed(1)} seq/s` : '',
    result.inferSequencesPerSecond !== undefined ? `infer ${result.inferSequencesPerSecond.toFixed(1)} seq/s` : '',
    result.streamMicrosecondsPerStep !== undefined ? `stream ${result.streamMicrosecondsPerStep.toFixed(0)} µs/step` : '',
    result.gflops !== undefined ? `${result.gflops.toFixed(2)} GFLOP/s` : '',
  ].filter(Boolean);
  console.error(
    `  ${result.workload.padEnd(9)} ${result.library.padEnd(48)} ${parts.join('  ')}${result.note ? `  (${result.note})` : ''}`,
  );
}

function torch(workloads: Workload[]): void {
  const python = '/usr/bin/python3';
  const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }) : null;
  if (probe?.status !== 0) {
    console.error('  PyTorch skipped: /usr/bin/python3 with torch not found (apt-get install python3-torch to include it)');
    return;
  }
  const run = spawnSync(python, [new URL('./torch_bench.py', import.meta.url).pathname, JSON.stringify({ workloads, seconds })], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`  PyTorch failed: ${run.stderr.trim().split('\n').at(-1)}`);
    return;
  }
  for (const line of run.stdout.trim().split('\n')) log(JSON.parse(line) as Result);
}

async function main(): Promise<void> {
  console.error(
    `@lstm benchmark — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}${quick ? ' (quick)' : ''}`,
  );
  for (const workload of [REFERENCE, TINY]) {
    log(await benchLstmJs(workload, seconds, cpu(), '@lstm backend-cpu'));
    log(await benchLstmJs(workload, seconds, wasm(), '@lstm backend-wasm'));
    if (workload === REFERENCE)
      log(await benchLstmJs(workload, seconds, wasm({ name: 'wasm-2', threads: 2 }), '@lstm backend-wasm, 2 threads'));
    if (workload === REFERENCE)
      log(await benchLstmJs(workload, seconds, cpu({ name: 'cpu-2', threads: 2 }), '@lstm backend-cpu, 2 threads'));
    for (const backend of ['wasm', 'cpu'] as const) {
      log(await benchLstmJs(workload, seconds, tfjs({ backend, warnings: false }), `@lstm backend-tfjs, tfjs-${backend}`));
      log(await benchTfjs(backend, workload, seconds));
    }
    log(benchBrain(workload, seconds));
  }
  torch([REFERENCE, TINY]);
  const gemm = await benchGemm(REFERENCE, seconds / 2);

  const ours = (workload: string) => results.find((r) => r.workload === workload && r.library === '@lstm backend-cpu')!;
  const lines = [
    '| workload | library | train seq/s | infer seq/s | stream µs/step | train GFLOP/s | ours ÷ theirs (train) | theirs ÷ ours (stream) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const me = ours(r.workload);
    const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
    const vsWasm =
      r.library.startsWith('@lstm backend-') && !r.library.startsWith('@lstm backend-tfjs') && r !== me
        ? results.find((p) => p.workload === r.workload && p.library === 'TensorFlow.js 4.22 layers, tfjs-wasm')
        : undefined;
    lines.push(
      `| ${r.workload} | ${r.library} | ${r.trainSequencesPerSecond?.toFixed(1) ?? '—'} | ${r.inferSequencesPerSecond?.toFixed(1) ?? '—'} | ${r.streamMicrosecondsPerStep?.toFixed(0) ?? '—'} | ${r.gflops?.toFixed(2) ?? '—'} | ${vsWasm ? `${ratio(r.trainSequencesPerSecond, vsWasm.trainSequencesPerSecond)} vs tfjs-wasm` : r === me ? '—' : ratio(me.trainSequencesPerSecond, r.trainSequencesPerSecond)} | ${vsWasm ? `${ratio(vsWasm.streamMicrosecondsPerStep, r.streamMicrosecondsPerStep)} vs tfjs-wasm` : r === me ? '—' : ratio(r.streamMicrosecondsPerStep, me.streamMicrosecondsPerStep)} |`,
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
    const peer = results.find((p) => p.workload === r.workload && p.library === `TensorFlow.js 4.22 layers, ${backend}`);
    const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
    lines.push(
      `| ${r.workload} | ${backend} | ${ratio(r.trainSequencesPerSecond, peer?.trainSequencesPerSecond)} | ${ratio(r.inferSequencesPerSecond, peer?.inferSequencesPerSecond)} | ${ratio(peer?.streamMicrosecondsPerStep, r.streamMicrosecondsPerStep)} |`,
    );
  }
  lines.push('', ...gemm.lines, '', ...wasmTargets(results, gemm.worstOfPeak));
  console.log(lines.join('\n'));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/latest.json',
    JSON.stringify(
      { date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, results, gemm: gemm.rows },
      null,
      2,
    ),
  );
}

await main();
