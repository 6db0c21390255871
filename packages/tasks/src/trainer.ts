import { LstmError, Rng, ValueError, assertKnownOptions, keep, tensor, tidy, type Tensor } from '@lstm/core';
import { loadStateDict, type RecurrentState, type SequenceModel } from '@lstm/layers';
import { clipGradNorm, clipGradValue, type Optimizer, type OptimizerState, type Schedule } from '@lstm/optim';
import { gather, type SequenceTask } from './data.js';
import { addTally, batchLoss, emptyTally, inputTensor, summarise, type Metrics, type Tally } from './metrics.js';
import { oneHot, type TextTask } from './text.js';

export type AnyTask = SequenceTask | TextTask;

/** Per-batch progress, for progress bars (terminal) and progress indicators (web page). */
export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over this epoch so far. */
  loss: number;
  accuracy?: number;
  /** Seconds since fit() started, and the estimate of what is left of the whole run. */
  elapsed: number;
  eta: number;
}

/** One line of metrics.jsonl: `train_*`, `validation_*`, `test_*` metrics and the bookkeeping. */
export interface EpochRecord {
  epoch: number;
  lr: number;
  /** Mean global gradient norm before clipping, over the epoch's batches. */
  grad_norm: number;
  seconds: number;
  [metric: string]: number;
}

export interface BestEpoch {
  epoch: number;
  score: number;
  weights: Record<string, Float32Array | Float64Array>;
}

/** Everything to resume a run where it stopped, bit for bit. */
export interface TrainerState {
  epoch: number;
  shuffleRng: number[];
  modelRng: number[];
  optimizer: OptimizerState;
  schedule: Record<string, number> | null;
  history: EpochRecord[];
  best: BestEpoch | null;
  badEpochs: number;
}

export interface TrainerOptions {
  epochs: number;
  optimizer: Optimizer;
  schedule?: Schedule;
  batchSize?: number;
  /** Global-norm clipping threshold (the norm before clipping is logged as grad_norm). */
  clip?: number;
  /** Clamp every gradient element to ±clipValue. */
  clipValue?: number;
  /** Seed of the minibatch shuffling (default 0). */
  seed?: number;
  /**
   * Stop after this many epochs without a better validation score (default: never). Either way,
   * the best epoch's weights are restored at the end (`restoreBest`, default true).
   */
  patience?: number;
  restoreBest?: boolean;
  /** What "better" means: 'accuracy' (default for classes) or 'loss' (default for regression). */
  monitor?: 'loss' | 'accuracy';
  /** Language models: steps per chunk of truncated BPTT (default 64). */
  bptt?: number;
  /**
   * Language models: probability of feeding the model its own previous prediction instead of the
   * true character, ramped linearly from `from` at the first epoch to `to` at the last
   * (scheduled sampling). Default: pure teacher forcing.
   */
  scheduledSampling?: { from: number; to: number };
  /** Also evaluate the test split each epoch (default true). */
  evaluateTest?: boolean;
  onProgress?: (progress: Progress) => void;
  /** After each epoch, with the model holding that epoch's weights (write checkpoints here). */
  onEpoch?: (record: EpochRecord, trainer: Trainer) => void | Promise<void>;
}

const OPTION_NAMES = [
  'epochs', 'optimizer', 'schedule', 'batchSize', 'clip', 'clipValue', 'seed', 'patience', 'restoreBest', 'monitor', 'bptt',
  'scheduledSampling', 'evaluateTest', 'onProgress', 'onEpoch',
];

/** The loss stopped being a number; the model holds the last good epoch's weights. */
export class NonFiniteLossError extends LstmError {
  constructor(message: string) {
    super(message, 'NON_FINITE_LOSS');
    this.name = 'NonFiniteLossError';
  }
}

export interface FitResult {
  history: EpochRecord[];
  best: { epoch: number; metrics: Record<string, number> } | null;
  stoppedEarly: boolean;
}

/**
 * Trains a SequenceModel on a task: shuffled minibatches (or truncated-BPTT chunks for text),
 * clipping, a schedule, evaluation of every split each epoch, early stopping that restores the
 * best weights, a non-finite-loss guard, progress callbacks, and a resumable state.
 */
export class Trainer {
  readonly batchSize: number;
  readonly monitor: 'loss' | 'accuracy';
  history: EpochRecord[] = [];
  best: BestEpoch | null = null;
  private epoch = 0;
  private badEpochs = 0;
  private readonly shuffleRng: Rng;
  private lastGood: Record<string, Float32Array | Float64Array>;

  constructor(readonly model: SequenceModel, readonly task: AnyTask, readonly options: TrainerOptions) {
    assertKnownOptions('Trainer', options, OPTION_NAMES);
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new ValueError(`Trainer: epochs must be a positive integer, got ${options.epochs}`);
    this.batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ValueError(`Trainer: batchSize must be a positive integer, got ${this.batchSize}`);
    const objective = task.objective;
    this.monitor = options.monitor ?? (objective === 'regression' || objective === 'language-model' ? 'loss' : 'accuracy');
    if (model.inputSize !== task.inputSize) {
      throw new ValueError(`Trainer: the model takes ${model.inputSize} input features but task '${task.name}' has ${task.inputSize}; build the model with inputSize ${task.inputSize}`);
    }
    if (model.outputSize !== task.outputSize) {
      throw new ValueError(`Trainer: the model outputs ${model.outputSize} values but task '${task.name}' needs ${task.outputSize}; build the model with outputSize ${task.outputSize}`);
    }
    const wantReadout = objective === 'classification' || objective === 'regression' ? 'last' : 'all';
    if (model.readout !== wantReadout) throw new ValueError(`Trainer: task '${task.name}' needs a model with readout '${wantReadout}'`);
    this.shuffleRng = new Rng(options.seed ?? 0);
    this.lastGood = snapshot(model);
  }

  /** Epochs completed so far (after a resume, too). */
  get epochsDone(): number {
    return this.epoch;
  }

  /** Runs the remaining epochs; resolves with the history and the best epoch. */
  async fit(): Promise<FitResult> {
    const { epochs, patience, restoreBest = true } = this.options;
    const started = performance.now();
    const firstEpoch = this.epoch;
    let stoppedEarly = false;
    while (this.epoch < epochs) {
      const epochStart = performance.now();
      const epoch = this.epoch + 1;
      const train = this.trainEpoch(epoch, (done) => {
        const elapsed = (performance.now() - started) / 1000;
        const fraction = (epoch - 1 - firstEpoch + done) / (epochs - firstEpoch);
        return { elapsed, eta: fraction > 0 ? elapsed * (1 - fraction) / fraction : Number.NaN };
      });
      const record: EpochRecord = { epoch, lr: this.options.optimizer.lr, grad_norm: train.gradNorm, seconds: 0 };
      for (const [k, v] of Object.entries(train.metrics)) record[`train_${k}`] = v;
      for (const [k, v] of Object.entries(this.evaluate('validation'))) record[`validation_${k}`] = v;
      if (this.options.evaluateTest !== false) for (const [k, v] of Object.entries(this.evaluate('test'))) record[`test_${k}`] = v;
      record.seconds = (performance.now() - epochStart) / 1000;
      this.epoch = epoch;
      this.history.push(record);
      this.lastGood = snapshot(this.model);
      const score = this.monitor === 'accuracy' ? record.validation_accuracy! : -record.validation_loss!;
      if (!this.best || score > this.best.score) {
        this.best = { epoch, score, weights: this.lastGood };
        this.badEpochs = 0;
      } else {
        this.badEpochs++;
      }
      this.options.schedule?.step(record.validation_loss);
      await this.options.onEpoch?.(record, this);
      if (patience !== undefined && this.badEpochs >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (restoreBest && this.best) loadStateDict(this.model, this.best.weights);
    const best = this.best ? { epoch: this.best.epoch, metrics: { ...this.history.find((r) => r.epoch === this.best!.epoch) } } : null;
    return { history: this.history, best, stoppedEarly };
  }

  /** Metrics of the model as it is now on one split. */
  evaluate(split: 'train' | 'validation' | 'test'): Metrics {
    const task = this.task;
    if (task.objective === 'language-model') return summarise('language-model', this.streamPass(task, task[split], false));
    const data = task[split];
    const tally = emptyTally();
    const chunk = 256;
    for (let start = 0; start < data.size; start += chunk) {
      const rows = Array.from({ length: Math.min(chunk, data.size - start) }, (_, i) => start + i);
      const batch = data.size <= chunk ? data : gather(data, rows);
      tidy(() => {
        const { output } = this.model.forward(inputTensor(this.model, batch, task.steps));
        addTally(tally, batchLoss(task.objective, output, batch.targets).tally);
      });
    }
    return this.summarise(tally);
  }

  /** Metrics of a tally; regression errors in data units when the task has a scale. */
  private summarise(tally: Tally): Metrics {
    const metrics = summarise(this.task.objective, tally);
    const scale = this.task.objective === 'regression' ? this.task.targetScale : undefined;
    if (scale !== undefined) {
      metrics.mse! *= scale * scale;
      metrics.rmse! *= scale;
      metrics.mae! *= scale;
    }
    return metrics;
  }

  private trainEpoch(epoch: number, timing: (done: number) => { elapsed: number; eta: number }): { metrics: Metrics; gradNorm: number } {
    const task = this.task;
    if (task.objective === 'language-model') {
      const { tally, gradNorm } = this.streamTrain(task, epoch, timing);
      return { metrics: summarise('language-model', tally), gradNorm };
    }
    const data = task.train;
    const order = this.shuffleRng.shuffle(Array.from({ length: data.size }, (_, i) => i));
    const batches = Math.ceil(data.size / this.batchSize);
    const tally = emptyTally();
    let normSum = 0;
    for (let b = 0; b < batches; b++) {
      const batch = gather(data, order.slice(b * this.batchSize, (b + 1) * this.batchSize));
      const step = tidy(() => {
        const { output, cache } = this.model.forward(inputTensor(this.model, batch, task.steps), { training: true });
        this.guardOutput(output, epoch, b + 1);
        const result = batchLoss(task.objective, output, batch.targets);
        this.guard(result.tally, epoch, b + 1);
        this.model.backward(result.grad, cache);
        return { tally: result.tally, norm: this.update() };
      });
      addTally(tally, step.tally);
      normSum += step.norm;
      this.progress(epoch, b + 1, batches, tally, task.objective !== 'regression', timing);
    }
    return { metrics: this.summarise(tally), gradNorm: normSum / batches };
  }

  /** Clips, steps the optimizer, clears gradients; returns the norm before clipping. */
  private update(): number {
    const parameters = this.model.parameters();
    const { clip, clipValue, optimizer } = this.options;
    if (clipValue !== undefined) clipGradValue(parameters, clipValue);
    const norm = clipGradNorm(parameters, clip ?? Infinity);
    if (!Number.isFinite(norm)) this.fail('gradient norm', norm);
    optimizer.step();
    optimizer.zeroGrad();
    return norm;
  }

  private guard(tally: Tally, epoch: number, batch: number): void {
    const loss = tally.lossSum / Math.max(tally.count, 1);
    if (!Number.isFinite(loss)) this.fail(`loss at epoch ${epoch}, batch ${batch}`, loss);
  }

  private guardOutput(output: Tensor, epoch: number, batch: number): void {
    const values = output.readSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) this.fail(`model output at epoch ${epoch}, batch ${batch}`, values[i]!);
    }
  }

  private fail(what: string, value: number): never {
    this.options.optimizer.zeroGrad();
    loadStateDict(this.model, this.lastGood);
    const kept = this.epoch > 0 ? `epoch ${this.epoch}'s weights are kept` : 'the initial weights are kept';
    throw new NonFiniteLossError(`training diverged: the ${what} is ${value}; ${kept} — lower the learning rate (--lr) or clip gradients (--clip 1)`);
  }

  private progress(epoch: number, batch: number, batches: number, tally: Tally, classes: boolean, timing: (done: number) => { elapsed: number; eta: number }): void {
    if (!this.options.onProgress) return;
    const metrics = summarise(classes ? 'classification' : 'regression', tally);
    this.options.onProgress({ epoch, epochs: this.options.epochs, batch, batches, loss: metrics.loss!, accuracy: metrics.accuracy, ...timing(batch / batches) });
  }

  /** Truncated BPTT over a token stream cut into `batchSize` parallel rows. */
  private streamTrain(task: TextTask, epoch: number, timing: (done: number) => { elapsed: number; eta: number }): { tally: Tally; gradNorm: number } {
    const { epochs, scheduledSampling } = this.options;
    const sampling = scheduledSampling ? scheduledSampling.from + (scheduledSampling.to - scheduledSampling.from) * (epochs > 1 ? (epoch - 1) / (epochs - 1) : 1) : 0;
    let normSum = 0, chunks = 0;
    const tally = this.streamPass(task, task.train, true, (chunk, total, running) => {
      chunks = total;
      this.progress(epoch, chunk, total, running, true, timing);
    }, sampling, epoch, (norm) => (normSum += norm));
    return { tally, gradNorm: normSum / Math.max(chunks, 1) };
  }

  private streamPass(
    task: TextTask, stream: Int32Array, training: boolean, onChunk?: (chunk: number, total: number, tally: Tally) => void,
    sampling = 0, epoch = 0, onNorm?: (norm: number) => void,
  ): Tally {
    const bptt = this.options.bptt ?? 64;
    const rows = Math.min(this.batchSize, Math.max(1, Math.floor((stream.length - 1) / 2)));
    const width = Math.floor((stream.length - 1) / rows);
    if (width < 1) throw new ValueError(`Trainer: the ${task.name} split has ${stream.length} characters — too short for ${rows} rows; use a longer text or a smaller batch size`);
    const vocabulary = task.inputSize;
    const total = Math.ceil(width / bptt);
    const tally = emptyTally();
    let state: RecurrentState | undefined;
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
        if (training && sampling > 0) this.sampleInputs(inputs, rows, steps, vocabulary, sampling, initialState);
        const x = tensor(oneHot(inputs, vocabulary), [rows, steps, vocabulary], this.model.rnn.dtype);
        const { output, cache, state: final } = this.model.forward(x, { training, initialState });
        if (training) this.guardOutput(output, epoch, chunk + 1);
        const result = batchLoss('language-model', output, targets);
        if (training) {
          this.guard(result.tally, epoch, chunk + 1);
          this.model.backward(result.grad, cache);
          onNorm?.(this.update());
        }
        addTally(tally, result.tally);
        // Carry the state into the next chunk, but not its gradient: BPTT is cut at the boundary.
        return { h: keep(final.h), c: final.c ? keep(final.c) : undefined };
      });
      if (state) {
        state.h.dispose();
        state.c?.dispose();
      }
      state = next;
      onChunk?.(chunk + 1, total, tally);
    }
    if (state) {
      state.h.dispose();
      state.c?.dispose();
    }
    return tally;
  }

  /**
   * Scheduled sampling (Bengio et al. 2015), in its parallel form: a teacher-forced pass predicts
   * every next character, and each input after the first is replaced by that prediction with
   * probability p. No gradient flows through the choice, as in the original.
   */
  private sampleInputs(inputs: Int32Array, rows: number, steps: number, vocabulary: number, p: number, initialState: RecurrentState | undefined): void {
    const x = tensor(oneHot(inputs, vocabulary), [rows, steps, vocabulary], this.model.rnn.dtype);
    const logits = this.model.forward(x, { initialState }).output.readSync();
    for (let r = 0; r < rows; r++) {
      for (let t = 1; t < steps; t++) {
        if (this.shuffleRng.next() >= p) continue;
        const base = (r * steps + t - 1) * vocabulary;
        let best = 0;
        for (let v = 1; v < vocabulary; v++) if (logits[base + v]! > logits[base + best]!) best = v;
        inputs[r * steps + t] = best;
      }
    }
  }

  /** The run's state after the last completed epoch (to resume with `loadState`). */
  state(): TrainerState {
    return {
      epoch: this.epoch,
      shuffleRng: this.shuffleRng.getState(),
      modelRng: this.model.rnn.rng.getState(),
      optimizer: this.options.optimizer.state(),
      schedule: this.options.schedule?.state() ?? null,
      history: this.history.map((r) => ({ ...r })),
      best: this.best,
      badEpochs: this.badEpochs,
    };
  }

  /** Continues a run: the model must already hold the weights saved with this state. */
  loadState(state: TrainerState): void {
    this.epoch = state.epoch;
    this.shuffleRng.setState(state.shuffleRng);
    this.model.rnn.rng.setState(state.modelRng);
    this.options.optimizer.loadState(state.optimizer);
    if (state.schedule) this.options.schedule?.loadState(state.schedule);
    this.history = state.history.map((r) => ({ ...r }));
    this.best = state.best;
    this.badEpochs = state.badEpochs;
    this.lastGood = snapshot(this.model);
  }
}

/** A copy of every parameter's values, by name. */
export function snapshot(model: SequenceModel): Record<string, Float32Array | Float64Array> {
  return Object.fromEntries(model.parameters().map((p) => [p.name, p.value.readSync().slice()]));
}
