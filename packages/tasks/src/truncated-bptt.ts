import { ValueError, keep, tensor, tidy, type Rng } from '@lstm/core';
import type { RecurrentState, SequenceForwardResult, SequenceModel } from '@lstm/layers';
import { addTally, batchLoss, emptyTally, readStats, tallyOf, type BatchLoss, type Tally } from './metrics.js';
import { oneHot, type TextTask } from './text.js';
import { withoutFiniteChecks } from './train-step.js';

/** One chunk of a training pass: the forward result and its loss, for backward and the update. */
export interface ChunkStep {
  forward: SequenceForwardResult;
  loss: BatchLoss;
  /** 1-based chunk number. */
  chunk: number;
}

/**
 * What a training pass does with each chunk (the Trainer supplies it): backward, clipping, the
 * guards and the optimizer step, returning the chunk's tally from the step's one read.
 */
export type ChunkTrainer = (step: ChunkStep) => Tally;

export interface StreamPassOptions {
  /** Parallel rows the token stream is cut into (fewer for a short stream). */
  batchSize: number;
  /** Steps per chunk: gradients flow back at most this far. */
  bptt: number;
  /** Training: runs dropout and hands every chunk to `train` (backward, clipping, update). */
  train?: ChunkTrainer;
  /** Scheduled sampling while training: replace inputs by predictions with this probability. */
  sampling?: { probability: number; rng: Rng };
  /** After each chunk, with the running tally (progress). */
  onChunk?: (chunk: number, total: number, tally: Tally) => void;
}

/**
 * Truncated backpropagation through time over a token stream: the stream is cut into
 * `batchSize` parallel rows read `bptt` steps at a time; the state carries from chunk to chunk,
 * its gradient does not. Returns the tally of next-character predictions over the whole stream.
 */
export function streamPass(model: SequenceModel, task: TextTask, stream: Int32Array, options: StreamPassOptions): Tally {
  const pass = streamChunks(model, task, stream, options);
  let next = pass.next();
  while (!next.done) next = pass.next();
  return next.value;
}

/**
 * `streamPass` one chunk at a time: yields after each chunk and returns the tally, so a caller
 * can hand control back to the event loop between chunks (a Ctrl-C, a page's messages). A pass
 * abandoned half-way (`return()`) disposes its carried state.
 */
export function* streamChunks(
  model: SequenceModel,
  task: TextTask,
  stream: Int32Array,
  options: StreamPassOptions,
): Generator<number, Tally, void> {
  const { bptt, train, sampling } = options;
  const rows = Math.min(options.batchSize, Math.max(1, Math.floor((stream.length - 1) / 2)));
  const width = Math.floor((stream.length - 1) / rows);
  if (width < 1) {
    throw new ValueError(
      `Trainer: the ${task.name} split has ${stream.length} characters — too short for ${rows} rows; use a longer text or a smaller batch size`,
    );
  }
  const vocabulary = task.inputSize;
  const total = Math.ceil(width / bptt);
  const tally = emptyTally();
  let state: RecurrentState | undefined;
  try {
    for (let chunk = 0; chunk < total; chunk++) {
      const start = chunk * bptt;
      const steps = Math.min(bptt, width - start);
      const inputs = new Int32Array(rows * steps);
      const targets = new Int32Array(rows * steps);
      for (let r = 0; r < rows; r++) {
        for (let t = 0; t < steps; t++) {
          inputs[r * steps + t] = stream[r * width + start + t]!;
          targets[r * steps + t] = stream[r * width + start + t + 1]!;
        }
      }
      const next = tidy(() => {
        const initialState = state;
        if (train && sampling && sampling.probability > 0) {
          sampleInputs(model, { inputs, rows, steps, vocabulary }, sampling.probability, sampling.rng, initialState);
        }
        const x = tensor(oneHot(inputs, vocabulary), [rows, steps, vocabulary], model.rnn.dtype);
        // Token ids are finite by construction: skip the per-tensor device checks (a read each).
        const { forward, loss } = withoutFiniteChecks(() => {
          const forward = model.forward(x, { training: train !== undefined, initialState });
          return { forward, loss: batchLoss('language-model', forward.output, targets) };
        });
        addTally(tally, train ? train({ forward, loss, chunk: chunk + 1 }) : tallyOf(readStats(loss.stats), loss.count));
        // Carry the state into the next chunk, but not its gradient: BPTT is cut at the boundary.
        return { h: keep(forward.state.h), c: forward.state.c ? keep(forward.state.c) : undefined };
      });
      disposeState(state);
      state = next;
      options.onChunk?.(chunk + 1, total, tally);
      yield chunk + 1;
    }
  } finally {
    disposeState(state);
  }
  return tally;
}

function disposeState(state: RecurrentState | undefined): void {
  state?.h.dispose();
  state?.c?.dispose();
}

/** A chunk of token ids, [rows, steps] row-major, over a vocabulary of one-hot inputs. */
interface TokenChunk {
  inputs: Int32Array;
  rows: number;
  steps: number;
  vocabulary: number;
}

/**
 * Scheduled sampling (Bengio et al. 2015), in its parallel form: a teacher-forced pass predicts
 * every next character, and each input after the first is replaced by that prediction with
 * probability p (in place). No gradient flows through the choice, as in the original.
 */
export function sampleInputs(model: SequenceModel, chunk: TokenChunk, p: number, rng: Rng, initialState: RecurrentState | undefined): void {
  const { inputs, rows, steps, vocabulary } = chunk;
  const x = tensor(oneHot(inputs, vocabulary), [rows, steps, vocabulary], model.rnn.dtype);
  const logits = model.forward(x, { initialState }).output.readSync();
  for (let r = 0; r < rows; r++) {
    for (let t = 1; t < steps; t++) {
      if (rng.next() >= p) continue;
      const base = (r * steps + t - 1) * vocabulary;
      let best = 0;
      for (let v = 1; v < vocabulary; v++) if (logits[base + v]! > logits[base + best]!) best = v;
      inputs[r * steps + t] = best;
    }
  }
}
