import { ValueError, keep, tensor, tidy, type Rng, type Tensor } from '@lstm/core';
import type { RecurrentState, SequenceForwardResult, SequenceModel } from '@lstm/layers';
import { addTally, batchLoss, emptyTally, tallyOf, type BatchLoss, type Tally } from './metrics.js';
import { readNow, type Reading } from './reads.js';
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
 * What a training pass does with each chunk (the Trainer supplies it), in two halves around the
 * step's one read: `prepare` runs backward and clipping and returns the tensors to read before
 * the update (none when no read is due); `apply`, once they are on the host, runs the guards and
 * the optimizer step and returns the chunk's tally.
 */
export interface ChunkTrainer {
  prepare(step: ChunkStep): readonly Tensor[];
  apply(chunk: number): Tally;
}

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
 * Reads synchronously: on a backend that cannot, run `streamChunks` with `readLater`.
 */
export function streamPass(model: SequenceModel, task: TextTask, stream: Int32Array, options: StreamPassOptions): Tally {
  return readNow(streamChunks(model, task, stream, options), 'readLater(streamChunks(...))');
}

/**
 * `streamPass` as a `Reading`: before each of its reads it yields the tensors it is about to
 * read (so `readLater` runs it on any backend), and it yields at least once per chunk, so a
 * caller can hand control back to the event loop between chunks (a Ctrl-C, a page's messages).
 * A pass abandoned half-way (`return()`) disposes its carried state.
 */
export function* streamChunks(model: SequenceModel, task: TextTask, stream: Int32Array, options: StreamPassOptions): Reading<Tally> {
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
      const tokens = { inputs, rows, steps, vocabulary };
      if (train && sampling && sampling.probability > 0) {
        const logits = keep(tidy(() => predict(model, tokens, state)));
        try {
          yield [logits];
          sampleInputs(logits.readSync(), tokens, sampling.probability, sampling.rng);
        } finally {
          logits.dispose();
        }
      }
      const initialState = state;
      const next = tidy(() => {
        const x = tensor(oneHot(inputs, vocabulary), [rows, steps, vocabulary], model.rnn.dtype);
        // Token ids are finite by construction: skip the per-tensor device checks (a read each).
        const { forward, loss } = withoutFiniteChecks(() => {
          const forward = model.forward(x, { training: train !== undefined, initialState });
          return { forward, loss: batchLoss('language-model', forward.output, targets) };
        });
        const toRead = train ? train.prepare({ forward, loss, chunk: chunk + 1 }) : [keep(loss.stats)];
        // Carry the state into the next chunk, but not its gradient: BPTT is cut at the boundary.
        return { toRead, count: loss.count, h: keep(forward.state.h), c: forward.state.c ? keep(forward.state.c) : undefined };
      });
      disposeState(state);
      state = { h: next.h, c: next.c };
      yield next.toRead;
      if (train) addTally(tally, train.apply(chunk + 1));
      else {
        addTally(tally, tallyOf(next.toRead[0]!.readSync(), next.count));
        next.toRead[0]!.dispose();
      }
      options.onChunk?.(chunk + 1, total, tally);
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

/** The model's teacher-forced logits for a chunk, [rows, steps, vocabulary]. */
function predict(model: SequenceModel, chunk: TokenChunk, initialState: RecurrentState | undefined): Tensor {
  const x = tensor(oneHot(chunk.inputs, chunk.vocabulary), [chunk.rows, chunk.steps, chunk.vocabulary], model.rnn.dtype);
  return model.forward(x, { initialState }).output;
}

/**
 * Scheduled sampling (Bengio et al. 2015), in its parallel form: a teacher-forced pass predicts
 * every next character (`logits`, [rows, steps, vocabulary]), and each input after the first is
 * replaced by that prediction with probability p (in place). No gradient flows through the
 * choice, as in the original.
 */
export function sampleInputs(logits: ArrayLike<number>, chunk: TokenChunk, p: number, rng: Rng): void {
  const { inputs, rows, steps, vocabulary } = chunk;
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
