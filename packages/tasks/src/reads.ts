import { BackendError, getBackend, prefetch, type Tensor } from '@lstm/core';

/**
 * Host code that reads device values, written once for both kinds of backend: before it reads
 * tensors synchronously, it yields them. `readNow` runs it straight through (backends that read
 * synchronously: CPU, wasm, tfjs); `readLater` awaits `prefetch` of what it yields, so the same
 * code runs on a backend that reads asynchronously (WebGPU), one round trip per yield.
 */
export type Reading<R> = Generator<readonly Tensor[], R, void>;

/** Runs a `Reading` synchronously; names `alternative` when the active backend cannot. */
export function readNow<R>(reading: Reading<R>, alternative: string): R {
  const backend = getBackend();
  if (!backend.readSync) {
    reading.return(undefined as R);
    throw new BackendError(`backend '${backend.name}' reads asynchronously; use '${alternative}' instead`);
  }
  for (;;) {
    const next = reading.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs a `Reading` on any backend: each yield's tensors are read to the host in one round trip,
 * then `between` runs (a trainer hands the event loop a turn there). If either throws, the
 * reading is closed first, so its `finally` blocks run (a truncated-BPTT pass frees its state).
 */
export async function readLater<R>(reading: Reading<R>, between?: () => Promise<void>): Promise<R> {
  try {
    for (let next = reading.next(); ; next = reading.next()) {
      if (next.done) return next.value;
      await prefetch(next.value);
      await between?.();
    }
  } finally {
    reading.return(undefined as R);
  }
}
