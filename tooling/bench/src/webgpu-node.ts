import { webgpuAvailability } from '@lstm/backend-webgpu';
import type { OrtRuntime } from './ort-webgpu.js';

/**
 * `pnpm bench:webgpu`: the WebGPU benchmark in Node, on the adapter Dawn (the webgpu package)
 * finds — a machine's real GPU, or SwiftShader where it has none — so a GPU server measures it in
 * one command. TensorFlow.js's webgpu backend and onnxruntime-web find the same Dawn through
 * `navigator.gpu`. `pnpm bench:webgpu:browser` runs the same suite in Chromium. ROUNDS (default 4)
 * and SECONDS_PER_RUN (default 2) shorten it.
 */
async function main(): Promise<void> {
  const found = await webgpuAvailability(); // picks the Vulkan driver (SwiftShader where there is none)
  if (!found.available) throw new Error(`no WebGPU here: ${found.reason}`);
  const dawn = (await import('webgpu')) as unknown as { create(options: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const holder = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(holder, 'gpu', { value: gpu, configurable: true });
  if (!('navigator' in globalThis)) Object.defineProperty(globalThis, 'navigator', { value: holder, configurable: true });
  // Only now: TensorFlow.js registers its webgpu backend at import time, when navigator.gpu exists.
  const { webgpuBench } = await import('./webgpu-suite.js');
  const rounds = Number(process.env.ROUNDS ?? 4);
  const { lines, rounds: results } = await webgpuBench({
    rounds,
    seconds: Number(process.env.SECONDS_PER_RUN ?? 2),
    // onnxruntime-web's WebGPU EP needs a browser; onnxruntime-node bundles the same native EP.
    ort: { ort: (await import('onnxruntime-node')) as unknown as OrtRuntime['ort'], label: 'onnxruntime-node 1.30 WebGPU EP' },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`Node ${process.version}\n${lines.join('\n')}\n`);
  process.stdout.write(`JSON ${JSON.stringify({ adapter: found, rounds: results })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:webgpu: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
