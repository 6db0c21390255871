import { expect, it } from 'vitest';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { webgpuBench } from './webgpu-suite.js';

// `pnpm bench:webgpu --browser`: the WebGPU benchmark in Debian's Chromium (SwiftShader's adapter
// here; a real GPU's WebGPU where the browser has one). See webgpu-suite.ts.
it('WebGPU in Chromium: @lstm backend-webgpu, tf.layers on tfjs-webgpu and onnxruntime-web, interleaved', async () => {
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.wasmPaths = { mjs: ortMjs, wasm: ortWasm }; // where vite serves them
  const runtime = { ort, label: 'onnxruntime-web 1.30 WebGPU EP' };
  const { lines, rounds } = await webgpuBench({ rounds: 4, seconds: 2, ort: runtime, log: console.log });
  console.log(`${lines.join('\n')}\nJSON ${JSON.stringify(rounds)}`);
  expect(rounds.flat().every((r) => r.inferSequencesPerSecond! > 0)).toBe(true);
});
