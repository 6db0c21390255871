// Run by fma.test.ts in a Node with relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd): the
// relaxed-SIMD (fused multiply-add) builds, one thread and two, against backend-cpu on an LSTM
// forward and backward. Prints JSON.
import { cpu } from '@lstm/backend-cpu';
import { getBackend, lstmBackward, lstmForward, registerBackend, setBackend, type Tensor, tensor } from '@lstm/core';
import { normwiseError } from '@lstm/core/testing';
import { wasm, wasmBuild } from './index.js';

const [B, T, I, H] = [3, 9, 5, 7];
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + seed) * 0.5);
async function run(name: string) {
  await setBackend(name);
  const w = {
    weightIh: tensor(values(4 * H * I, 1), [4 * H, I]),
    weightHh: tensor(values(4 * H * H, 2), [4 * H, H]),
    biasIh: tensor(values(4 * H, 3), [4 * H]),
    biasHh: tensor(values(4 * H, 4), [4 * H]),
  };
  const x = tensor(values(B * T * I, 5), [B, T, I]);
  const h0 = tensor(values(B * H, 6), [B, H]);
  const c0 = tensor(values(B * H, 7), [B, H]);
  const f = lstmForward(x, w, h0, c0, { record: true });
  const g = lstmBackward(x, w, h0, c0, { y: f.y, gates: f.gates!, cells: f.cells! }, { dy: tensor(values(B * T * H, 8), [B, T, H]) });
  const read = (t: Tensor) => Array.from(t.readSync());
  return { y: read(f.y), c: read(f.c), dx: read(g.dx), dWeightHh: read(g.dWeightHh) };
}
registerBackend(cpu());
registerBackend(wasm({ name: 'wasm-fma', fma: true }));
registerBackend(wasm({ name: 'wasm-fma-2', fma: true, threads: 2, parallelMinWork: 0 }));
const reference = await run('cpu');
const errors: Record<string, number> = {};
const builds: { fma: boolean; threads: number }[] = [];
for (const [name, label] of [
  ['wasm-fma', '1 thread'],
  ['wasm-fma-2', '2 threads'],
] as const) {
  const fused = await run(name);
  builds.push(wasmBuild(getBackend()));
  for (const k of Object.keys(reference) as (keyof typeof reference)[]) errors[`${label}: ${k}`] = normwiseError(fused[k], reference[k]);
}
console.log(JSON.stringify({ builds, errors }));
