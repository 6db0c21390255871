import { webgpuAvailability } from '@lstm/backend-webgpu';
import { expect, it } from 'vitest';
import { Rounds, showRatio } from './rounds.js';
import { benchLstmWebGpu, benchTfjsWebGpu } from './webgpu.js';
import { LARGE, REFERENCE, TINY, type Workload } from './workload.js';

// `pnpm bench:webgpu`: @lstm's WebGPU backend against tf.layers on TensorFlow.js's webgpu backend,
// training and inference, in interleaved rounds (ours, theirs, ours, theirs…). Under SwiftShader —
// a CPU emulating a GPU, as on CI machines — the figures say how the two compare under the same
// emulator, not how fast a GPU is: they are labelled so, and only the ratios are reported. On an
// adapter that is not software, the large workload (2 layers, H 512, T 100, batch 64) runs too.
const ROUNDS = 4;
const SECONDS = 2;

it('WebGPU: @lstm backend-webgpu and tf.layers on tfjs-webgpu, interleaved', async () => {
  const availability = await webgpuAvailability();
  if (!availability.available) throw new Error(`no WebGPU here: ${availability.reason}`);
  const workloads: Workload[] = availability.software ? [TINY, REFERENCE] : [TINY, REFERENCE, LARGE];
  const rounds = new Rounds();
  const contestants = workloads.flatMap((workload) => [
    { library: '@lstm backend-webgpu', workload, run: (seconds: number) => benchLstmWebGpu(workload, seconds) },
    { library: 'TensorFlow.js 4.22 layers, tfjs-webgpu', workload, run: (seconds: number) => benchTfjsWebGpu(workload, seconds) },
  ]);
  await rounds.run(contestants, ROUNDS, SECONDS, (r, round) =>
    console.log(
      `round ${round}: ${r.workload} ${r.library}: train ${r.trainSequencesPerSecond?.toFixed(1)} seq/s, infer ${r.inferSequencesPerSecond?.toFixed(1)} seq/s`,
    ),
  );
  const lines = [
    `WebGPU adapter: ${availability.adapter}${availability.software ? ' — software emulation: ratios only, no absolute speed' : ''}`,
    `| workload | @lstm ÷ tf.layers, training (median, range of ${ROUNDS} rounds) | inference |`,
    '|---|---|---|',
  ];
  for (const w of workloads) {
    const train = rounds.ratio(w.name, '@lstm backend-webgpu', 'TensorFlow.js 4.22 layers, tfjs-webgpu', 'trainSequencesPerSecond');
    const infer = rounds.ratio(w.name, '@lstm backend-webgpu', 'TensorFlow.js 4.22 layers, tfjs-webgpu', 'inferSequencesPerSecond');
    lines.push(`| ${w.name} | ${showRatio(train)} | ${showRatio(infer)} |`);
  }
  if (!availability.software) {
    lines.push('', '| workload | library | train seq/s | infer seq/s |', '|---|---|---|---|');
    for (const r of rounds.medians()) {
      lines.push(`| ${r.workload} | ${r.library} | ${r.trainSequencesPerSecond?.toFixed(1)} | ${r.inferSequencesPerSecond?.toFixed(1)} |`);
    }
  }
  console.log(`${lines.join('\n')}\nJSON ${JSON.stringify({ adapter: availability, rounds: rounds.rounds })}`);
  expect(rounds.rounds.flat().every((r) => r.trainSequencesPerSecond! > 0 && r.inferSequencesPerSecond! > 0)).toBe(true);
});
