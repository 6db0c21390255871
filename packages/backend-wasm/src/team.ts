import { BackendError, ValueError } from '@lstm/core';
import type { Heap } from './memory.js';
import type { KernelExports, LinearMemory } from './module.js';

/** The exports a team splits across threads; workers call them by index. */
export const SPLIT_EXPORTS = [
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'rnnForward',
  'rnnBackward',
  'weightGradients',
  'gemmPacked',
] as const;
export type SplitExport = (typeof SPLIT_EXPORTS)[number];

/**
 * The threads a backend computes with. `split` runs one kernel export on every thread, each on
 * its share of a range (batch rows, gate rows, output rows): the calling thread takes the first
 * share, workers the others, and `split` returns when all are done.
 */
export interface Team {
  readonly threads: number;
  split(name: SplitExport, total: number, grain: number, work: number, args: (from: number, to: number, thread: number) => number[]): void;
  destroy(): Promise<void>;
}

/** One thread: every share is the whole range. */
export function soloTeam(wasm: KernelExports): Team {
  return {
    threads: 1,
    split: (name, total, _grain, _work, args) => call(wasm, name, args(0, total, 0)),
    destroy: () => Promise.resolve(),
  };
}

function call(wasm: KernelExports, name: SplitExport, args: number[]): void {
  (wasm[name] as (...a: number[]) => void)(...args);
}

// A worker's control block (int32 slots) in the shared memory: 0 job sequence, 1 done sequence,
// 2 export index, 3 argument count, 4.. arguments, 62 error flag, 63 stop.
const BLOCK_INTS = 64;
const MAX_ARGS = 57;

type WorkerHandle = { post(message: unknown): void; ready: Promise<void>; terminate(): unknown };

/**
 * Workers instantiate the same (shared-memory) module on the backend's memory and wait for jobs in
 * their control block. They spin for 2 ms after a job before sleeping in Atomics.wait, because a
 * training step issues its kernels back to back and a futex wake-up per kernel would cost more
 * than the work it shares.
 */
const WORKER_SOURCE = `
async function start({ module, memory, control, names }) {
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  const fns = names.map((name) => exports[name]);
  const block = new Int32Array(memory.buffer, control, ${BLOCK_INTS});
  ready();
  let seen = 0;
  for (;;) {
    let spins = 0, since = performance.now();
    while (Atomics.load(block, 0) === seen) {
      if (++spins % 1024 === 0 && performance.now() - since > 2) {
        Atomics.wait(block, 0, seen);
        since = performance.now();
      }
    }
    seen = Atomics.load(block, 0);
    if (block[63] === 1) return;
    const args = [];
    for (let i = 0; i < block[3]; i++) args.push(block[4 + i]);
    try {
      fns[block[2]](...args);
    } catch (error) {
      block[62] = 1;
    }
    Atomics.store(block, 1, seen);
  }
}
`;

async function spawnWorker(message: Record<string, unknown>): Promise<WorkerHandle> {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (isNode) {
    const { Worker } = (await import('node:worker_threads')) as unknown as {
      Worker: new (
        source: string,
        options: { eval: true },
      ) => {
        postMessage(m: unknown): void;
        once(event: 'message' | 'error', fn: (error?: unknown) => void): void;
        unref(): void;
        terminate(): Promise<number>;
      };
    };
    const source = `const { parentPort } = require('node:worker_threads');
const ready = () => parentPort.postMessage('ready');
${WORKER_SOURCE}
parentPort.once('message', start);`;
    const worker = new Worker(source, { eval: true });
    worker.unref(); // an idle team never keeps the process alive
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (error) => reject(workerFailed(error)));
    });
    worker.postMessage(message);
    return { post: (m) => worker.postMessage(m), ready, terminate: () => worker.terminate() };
  }
  const scope = globalThis as unknown as {
    Worker: new (
      url: string,
    ) => {
      postMessage(m: unknown): void;
      onmessage: (() => void) | null;
      onerror: ((event: { message?: string }) => void) | null;
      terminate(): void;
    };
    Blob: new (parts: string[], options: { type: string }) => unknown;
    URL: { createObjectURL(blob: unknown): string };
  };
  const source = `const ready = () => postMessage('ready');
${WORKER_SOURCE}
onmessage = (event) => start(event.data);`;
  const worker = new scope.Worker(scope.URL.createObjectURL(new scope.Blob([source], { type: 'text/javascript' })));
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => reject(workerFailed(event.message));
  });
  worker.postMessage(message);
  return { post: (m) => worker.postMessage(m), ready, terminate: () => worker.terminate() };
}

/** A worker that could not start (a Content-Security-Policy without `worker-src blob:`, say): one line, no hang. */
function workerFailed(cause: unknown): ValueError {
  const detail = cause instanceof Error ? cause.message : String(cause ?? 'no detail');
  return new ValueError(`wasm: a worker thread could not start (${detail}); use threads: 1 here`);
}

/** A team of `threads` threads on a shared memory: this one plus `threads − 1` workers. */
export async function threadTeam(
  threads: number,
  minWork: number,
  module: unknown,
  memory: LinearMemory,
  heap: Heap,
  wasm: KernelExports,
): Promise<Team> {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) {
    throw new ValueError('wasm: threads > 1 needs SharedArrayBuffer (Node, or a cross-origin-isolated page); use threads: 1 here');
  }
  const blocks: Int32Array[] = [];
  const workers: WorkerHandle[] = [];
  for (let w = 0; w < threads - 1; w++) {
    const control = heap.alloc(BLOCK_INTS);
    const block = new Int32Array(memory.buffer, control, BLOCK_INTS);
    block.fill(0);
    blocks.push(block);
    workers.push(await spawnWorker({ module, memory, control, names: SPLIT_EXPORTS }));
  }
  await Promise.all(workers.map((w) => w.ready));
  let sequence = 0;
  return {
    threads,
    split(name, total, grain, work, args) {
      const share = Math.ceil(total / threads / grain) * grain;
      if (work < minWork || share >= total) return call(wasm, name, args(0, total, 0));
      sequence++;
      const index = SPLIT_EXPORTS.indexOf(name);
      const used: Int32Array[] = [];
      for (let t = 1, from = share; t < threads && from < total; t++, from += share) {
        const block = blocks[t - 1]!;
        const a = args(from, Math.min(total, from + share), t);
        if (a.length > MAX_ARGS) throw new BackendError(`wasm: ${name} takes ${a.length} arguments, more than a control block holds`);
        block[2] = index;
        block[3] = a.length;
        block.set(a, 4);
        Atomics.store(block, 0, sequence);
        Atomics.notify(block, 0);
        used.push(block);
      }
      call(wasm, name, args(0, share, 0));
      for (const block of used) {
        while (Atomics.load(block, 1) !== sequence) {
          // spin: the workers are at most one share of this kernel behind
        }
        if (block[62] === 1)
          throw new BackendError(`wasm: a worker thread failed in ${name}; the backend's memory may be inconsistent, create a new one`);
      }
    },
    async destroy() {
      for (const block of blocks) {
        block[63] = 1;
        Atomics.add(block, 0, 1);
        Atomics.notify(block, 0);
      }
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
