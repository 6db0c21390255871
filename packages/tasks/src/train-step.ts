import { add, concat, configure, keep, reshape, type Tensor } from '@lstm/core';
import { clipGradNormOnDevice, clipGradValue, type Trainable } from '@lstm/optim';
import { tallyOf, type BatchLoss, type Tally } from './metrics.js';

/**
 * A training step reads the device once. Everything a step must check — the loss, the tally's
 * sums, whether the output held a NaN or an infinity, the gradient norm — is packed into one
 * small tensor on the device (`stepSummary`) and read in one go (`readStepSummary`) before the
 * optimizer moves the weights, so a bad step is refused before it does harm.
 */
export interface StepSummary {
  tally: Tally;
  /** False when the model's output held a NaN or an infinity. */
  outputFinite: boolean;
  /** Global gradient norm before clipping (summed over the steps a `StepReader` read together). */
  norm: number;
}

/**
 * Clips the gradients on the device (`clipValue` first, then the global norm `clip`) and packs
 * `[lossSum, correct, absoluteError, outputCheck, norm]` into one tensor — no read.
 */
export function stepSummary(parameters: readonly Trainable[], loss: BatchLoss, clip: { clip?: number; clipValue?: number }): Tensor {
  if (clip.clipValue !== undefined) clipGradValue(parameters, clip.clipValue);
  const norm = clipGradNormOnDevice(parameters, clip.clip ?? Infinity);
  const summary = concat([loss.stats, reshape(norm, [1])], 0);
  norm.dispose();
  return summary;
}

/** The step's one device→host read. */
export function readStepSummary(summary: Tensor, count: number): StepSummary {
  const values = summary.readSync();
  return { tally: tallyOf(values, count), outputFinite: !Number.isNaN(values[3]!), norm: values[4]! };
}

/**
 * When the step's read happens. `every` = 1 (the default): each step, so a bad step is refused
 * before the optimizer applies it. `every` = k: the summaries of k steps are summed on the device
 * and read once — no read at all on the other steps; the guards then judge those k steps
 * together (mean loss, any NaN, the summed norms), and a bad step is caught at the next read,
 * which restores the last good epoch's weights. On a backend that reads asynchronously, the
 * caller `prefetch`es what `add` returns (or `pending`) before `read`.
 */
export class StepReader {
  #pending: Tensor | null = null;
  #count = 0;
  #steps = 0;

  constructor(readonly every: number) {}

  /** Adds one step's summary (`stepSummary`, owned from here on); returns the tensor to read when a read is due, else nothing. */
  add(summary: Tensor, count: number): readonly Tensor[] {
    const total = keep(this.#pending ? add(this.#pending, summary) : summary);
    this.#pending?.dispose();
    this.#pending = total;
    this.#count += count;
    this.#steps++;
    return this.due ? this.pending : [];
  }

  /** Whether `every` steps have been added since the last read. */
  get due(): boolean {
    return this.#steps >= this.every;
  }

  /** The summed summary not read yet, if any. */
  get pending(): readonly Tensor[] {
    return this.#pending ? [this.#pending] : [];
  }

  /** Reads what is pending (when due, or at the end of an epoch), or null when nothing is. */
  read(): StepSummary | null {
    if (!this.#pending) return null;
    const summary = readStepSummary(this.#pending, this.#count);
    this.discard();
    return summary;
  }

  /** Drops what is pending, unread (a run stopped mid-way). */
  discard(): void {
    this.#pending?.dispose();
    this.#pending = null;
    this.#count = 0;
    this.#steps = 0;
  }
}

/**
 * Runs `fn` with the per-tensor finite checks off. The trainer validates its data on the host
 * before training (`assertFiniteData`), and anything non-finite the device computes shows up in
 * the step's one read; checking every input again would cost a read each.
 */
export function withoutFiniteChecks<T>(fn: () => T): T {
  const saved = configure({}).checkFinite;
  configure({ checkFinite: false });
  try {
    return fn();
  } finally {
    configure({ checkFinite: saved });
  }
}
