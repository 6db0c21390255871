import { tfjs } from '@lstm/backend-tfjs';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { benchLstmJs } from './lstm-js.js';
import { benchTfjs } from './tfjs.js';
import { REFERENCE, TINY, type Result } from './workload.js';

// `pnpm bench:webgl`: @lstm backend-tfjs against tf.layers, both on tfjs-webgl, in Chromium.
// Here WebGL2 is SwiftShader — software emulation on the CPU — so these figures say how the two
// compare under the same emulator, not how fast a GPU is; they are labelled so, and never tuned for.
it('WebGL: @lstm backend-tfjs and tf.layers on the same tfjs-webgl', async () => {
  tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  const renderer = rendererName();
  const results: Result[] = [];
  for (const workload of [REFERENCE, TINY]) {
    results.push(await benchLstmJs(workload, 3, tfjs({ backend: 'webgl', warnings: false }), '@lstm backend-tfjs, tfjs-webgl'));
    results.push(await benchTfjs('webgl', workload, 3));
  }
  const lines = [
    `WebGL renderer: ${renderer}`,
    '| workload | library | train seq/s | infer seq/s | stream µs/step |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.workload} | ${r.library} | ${r.trainSequencesPerSecond?.toFixed(1)} | ${r.inferSequencesPerSecond?.toFixed(1)} | ${r.streamMicrosecondsPerStep?.toFixed(0)} |`,
    );
  }
  for (const workload of [REFERENCE.name, TINY.name]) {
    const [ours, theirs] = results.filter((r) => r.workload === workload);
    lines.push(`${workload}: @lstm ÷ tf.layers (train) ${(ours!.trainSequencesPerSecond! / theirs!.trainSequencesPerSecond!).toFixed(2)}×`);
  }
  console.log(`${lines.join('\n')}\nJSON ${JSON.stringify({ renderer, results })}`);
  expect(results.every((r) => r.trainSequencesPerSecond! > 0)).toBe(true);
});

/** The slice of the DOM this file uses (the shared tsconfig has no DOM library). */
declare const document: {
  createElement(tag: 'canvas'): {
    getContext(
      kind: 'webgl2',
    ): { getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown } | null;
  };
};

function rendererName(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
}
