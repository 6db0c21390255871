import { webgpuAvailability } from '@lstm/backend-webgpu';
import { benchOrtWebGpu, type OrtRuntime } from './ort-webgpu.js';
import { Rounds, showRatio, type Contestant } from './rounds.js';
import { benchLstmWebGpu, benchTfjsWebGpu } from './webgpu.js';
import { LARGE, REFERENCE, TINY, type Result, type Workload } from './workload.js';

const OURS = '@lstm backend-webgpu';
const TFJS = 'TensorFlow.js 4.22 layers, tfjs-webgpu';

/**
 * `pnpm bench:webgpu`, wherever it runs (Chromium, or Node on the adapter Dawn finds): @lstm's
 * WebGPU backend against tf.layers on TensorFlow.js's webgpu backend (training and inference) and
 * onnxruntime-web's WebGPU execution provider (inference, our ONNX export of the same model), in
 * interleaved rounds (ours, theirs, ours, theirs…). Under software emulation (SwiftShader, as on
 * CI) the figures say how the libraries compare under the same emulator, not how fast a GPU is:
 * they are labelled so, only ratios are reported, and the large workload is left out (minutes per
 * step there). Returns the report's lines and every round's results.
 */
export async function webgpuBench(options: {
  rounds: number;
  seconds: number;
  /** onnxruntime as users load it here (onnxruntime-web in a browser, onnxruntime-node in Node). */
  ort: OrtRuntime;
  log: (line: string) => void;
}): Promise<{ lines: string[]; rounds: Result[][] }> {
  const availability = await webgpuAvailability();
  if (!availability.available) throw new Error(`no WebGPU here: ${availability.reason}`);
  const workloads: Workload[] = availability.software ? [TINY, REFERENCE] : [TINY, REFERENCE, LARGE];
  const rounds = new Rounds();
  const contestants: Contestant[] = workloads.flatMap((workload) => [
    { library: OURS, workload, run: (seconds: number) => benchLstmWebGpu(workload, seconds) },
    { library: TFJS, workload, run: (seconds: number) => benchTfjsWebGpu(workload, seconds) },
    { library: options.ort.label, workload, run: (seconds: number) => benchOrtWebGpu(workload, seconds, 'webgpu-bench', options.ort) },
  ]);
  await rounds.run(contestants, options.rounds, options.seconds, (r, round) =>
    options.log(
      `round ${round}: ${r.workload} ${r.library}: ${r.trainSequencesPerSecond ? `train ${r.trainSequencesPerSecond.toFixed(1)} seq/s, ` : ''}infer ${r.inferSequencesPerSecond?.toFixed(1)} seq/s`,
    ),
  );
  const n = options.rounds;
  const lines = [
    `WebGPU adapter: ${availability.adapter}${availability.software ? ' — software emulation: ratios only, no absolute speed' : ''}`,
    '',
    `| workload | training: @lstm ÷ tf.layers (median, range of ${n} rounds) | inference: @lstm ÷ tf.layers | inference: @lstm ÷ ${options.ort.label} |`,
    '|---|---|---|---|',
  ];
  for (const w of workloads) {
    const train = rounds.ratio(w.name, OURS, TFJS, 'trainSequencesPerSecond');
    const infer = rounds.ratio(w.name, OURS, TFJS, 'inferSequencesPerSecond');
    const ort = rounds.ratio(w.name, OURS, options.ort.label, 'inferSequencesPerSecond');
    lines.push(`| ${w.name} | ${showRatio(train)} | ${showRatio(infer)} | ${showRatio(ort)} |`);
  }
  if (!availability.software) {
    lines.push('', '| workload | library | train seq/s | infer seq/s | GFLOP/s (training) |', '|---|---|---|---|---|');
    for (const r of rounds.medians()) {
      lines.push(
        `| ${r.workload} | ${r.library} | ${r.trainSequencesPerSecond?.toFixed(1) ?? '—'} | ${r.inferSequencesPerSecond?.toFixed(1)} | ${r.gflops?.toFixed(1) ?? '—'} |`,
      );
    }
  }
  return { lines, rounds: rounds.rounds };
}
