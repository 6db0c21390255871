import { keep, tensor, tidy, type Tensor } from '@lstm/core';
import { type SafetensorsEntry, type SequenceModel, zeroGrad } from '@lstm/layers';
import { gather } from './data.js';
import type { AnyTask } from './evaluate.js';
import { batchLoss, inputTensor } from './metrics.js';
import { readLater, readNow, type Reading } from './reads.js';
import { oneHot } from './text.js';

/** What to record, and for how many fixed validation sequences. */
export interface RecordOptions {
  /** Per-step gate activations, cell states and hidden states of every layer. */
  gates?: boolean;
  /** Per-step ∂L/∂h_t and ∂L/∂c_t of every layer (the task's own loss on these sequences). */
  gradients?: boolean;
  /** How many validation sequences (default 4): the same ones at every recorded epoch. */
  samples?: number;
}

/**
 * One recorded epoch: float32 arrays by name, each [samples, steps, width], for every layer l
 * (forward direction): `gates.l{l}` (packed in `gateNames` order), `cells.l{l}`, `hidden.l{l}`,
 * `dh.l{l}`, `dc.l{l}`; and `inputs` [samples, steps, inputSize]. Ready to be written as one
 * safetensors file (`recordingTensors`), which PyTorch and NumPy read as well.
 */
export interface Recording {
  epoch: number;
  gateNames: readonly string[];
  /** Pinned gates (no rows in `gates.l{l}`) and their constant. */
  constantGates: Readonly<Record<string, number>>;
  samples: number;
  steps: number;
  arrays: Record<string, { shape: number[]; data: Float32Array }>;
}

/**
 * Runs the model on a fixed set of validation sequences with `record: true` and returns what
 * happens inside it; with `gradients`, also backpropagates the task's loss (no dropout, no
 * weight change: the gradients are cleared afterwards). Costs nothing unless called. On a
 * backend that reads asynchronously (WebGPU), use `recordActivityAsync`.
 */
export function recordActivity(model: SequenceModel, task: AnyTask, epoch: number, options: RecordOptions = {}): Recording {
  return readNow(recording(model, task, epoch, options), 'await recordActivityAsync(...)');
}

/** `recordActivity` on any backend: everything recorded comes back in one round trip. */
export function recordActivityAsync(model: SequenceModel, task: AnyTask, epoch: number, options: RecordOptions = {}): Promise<Recording> {
  return readLater(recording(model, task, epoch, options));
}

function* recording(model: SequenceModel, task: AnyTask, epoch: number, options: RecordOptions): Reading<Recording> {
  const { x, targets } = fixedBatch(model, task, options.samples ?? 4);
  const recorded: Record<string, Tensor> = { inputs: x };
  try {
    tidy(() => {
      const forward = model.forward(x, { record: true });
      for (const trace of forward.trace ?? []) {
        if (trace.direction !== 'forward') continue;
        if (options.gates !== false) {
          if (trace.gates) recorded[`gates.l${trace.layer}`] = keep(trace.gates);
          if (trace.cells) recorded[`cells.l${trace.layer}`] = keep(trace.cells);
          recorded[`hidden.l${trace.layer}`] = keep(trace.hidden);
        }
      }
      if (options.gradients) {
        const { grad } = batchLoss(task.objective, forward.output, targets);
        const { steps = [] } = model.backward(grad, forward.cache, { record: true });
        for (const step of steps) {
          if (step.direction !== 'forward') continue;
          recorded[`dh.l${step.layer}`] = keep(step.dh);
          if (step.dc) recorded[`dc.l${step.layer}`] = keep(step.dc);
        }
      }
    });
    zeroGrad(model);
    yield Object.values(recorded);
    const arrays: Recording['arrays'] = {};
    for (const [name, t] of Object.entries(recorded)) arrays[name] = { shape: [...t.shape], data: Float32Array.from(t.readSync()) };
    const [samples, steps] = x.shape as [number, number];
    return { epoch, gateNames: model.rnn.gateNames, constantGates: model.rnn.constantGates, samples, steps, arrays };
  } finally {
    for (const t of new Set(Object.values(recorded))) t.dispose();
  }
}

/** The recording as safetensors entries and string metadata (one file per recorded epoch). */
export function recordingTensors(recording: Recording): { tensors: Record<string, SafetensorsEntry>; metadata: Record<string, string> } {
  const tensors = Object.fromEntries(
    Object.entries(recording.arrays).map(([name, { shape, data }]) => [name, { dtype: 'F32' as const, shape, data }]),
  );
  const metadata = {
    'lstm.recording': JSON.stringify({
      epoch: recording.epoch,
      gateNames: recording.gateNames,
      constantGates: recording.constantGates,
      samples: recording.samples,
      steps: recording.steps,
    }),
  };
  return { tensors, metadata };
}

/** The first `samples` validation sequences (or, for text, `samples` rows of its first 64 characters). */
function fixedBatch(model: SequenceModel, task: AnyTask, samples: number): { x: Tensor; targets: Int32Array | Float32Array } {
  if (task.objective === 'language-model') {
    const steps = Math.min(64, Math.floor((task.validation.length - 1) / samples));
    const inputs = new Int32Array(samples * steps);
    const targets = new Int32Array(samples * steps);
    for (let r = 0; r < samples; r++) {
      for (let t = 0; t < steps; t++) {
        inputs[r * steps + t] = task.validation[r * steps + t]!;
        targets[r * steps + t] = task.validation[r * steps + t + 1]!;
      }
    }
    return { x: tensor(oneHot(inputs, task.inputSize), [samples, steps, task.inputSize], model.rnn.dtype), targets };
  }
  const rows = Array.from({ length: Math.min(samples, task.validation.size) }, (_, i) => i);
  const batch = gather(task.validation, rows);
  return { x: inputTensor(model, batch, task.steps), targets: batch.targets };
}
