// Run by fma.test.ts in a Node started with --experimental-wasm-relaxed-simd: the relaxed-SIMD
// (fused multiply-add) build against backend-cpu on an LSTM forward and backward. Prints JSON.
import { cpu } from '@lstm/backend-cpu';
import { lstmBackward, lstmForward, registerBackend, setBackend, type Tensor, tensor } from '@lstm/core';
import { normwiseError } from '@lstm/core/testing';
import { wasm, wasmAvailability } from './index.js';

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
const reference = await run('cpu');
const fused = await run('wasm-fma');
const errors = Object.fromEntries(
  Object.keys(reference).map((k) => [k, normwiseError(fused[k as keyof typeof fused], reference[k as keyof typeof reference])]),
);
console.log(JSON.stringify({ available: await wasmAvailability(), errors }));
