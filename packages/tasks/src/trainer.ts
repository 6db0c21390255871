import { Rng, ValueError, assertKnownOptions, setBackend, tidy } from '@lstm/core';
import { loadStateDict, moveModule, type SequenceForwardResult, type SequenceModel } from '@lstm/layers';
import { gather } from './data.js';
import { DivergedError, InterruptedError, NonFiniteLossError } from './errors.js';
import { DivergenceGuard, assertFits, snapshot } from './guards.js';
import { Interruption, drain } from './interruption.js';
import { recordActivity } from './recording.js';
import { evaluate, summariseTask, type AnyTask, type SplitName } from './evaluate.js';
import { addTally, batchLoss, emptyTally, inputTensor, summarise, type BatchLoss, type Metrics, type Tally } from './metrics.js';
import { StepReader, stepSummary, withoutFiniteChecks, type StepSummary } from './train-step.js';
import type { TextTask } from './text.js';
import {
  TRAINER_OPTION_NAMES,
  type BestEpoch,
  type EpochRecord,
  type FitResult,
  type Timing,
  type TrainerOptions,
  type TrainerState,
} from './trainer-types.js';
import { streamChunks } from './truncated-bptt.js';

export type { AnyTask } from './evaluate.js';
export { DivergedError, InterruptedError, NonFiniteLossError } from './errors.js';
export { snapshot } from './guards.js';
export type { BestEpoch, EpochRecord, FitResult, Progress, TrainerOptions, TrainerState } from './trainer-types.js';

const OPTION_NAMES: readonly (keyof TrainerOptions)[] = TRAINER_OPTION_NAMES;

/**
 * Trains a SequenceModel on a task: shuffled minibatches (or truncated-BPTT chunks for text),
 * clipping, a schedule, evaluation of every split each epoch, early stopping that restores the
 * best weights, a non-finite-loss guard, progress callbacks, and a resumable state.
 * @example
 * ```ts
 * import { SequenceModel } from '@lstm/layers';
 * import { Adam } from '@lstm/optim';
 * import { Trainer, firstLast } from '@lstm/tasks';
 *
 * const task = firstLast({ steps: 30, seed: 1 });
 * const model = new SequenceModel({ cell: 'lstm', inputSize: 1, hiddenSize: 32, outputSize: 4, readout: 'last',
 *   seed: 1, init: { forgetBias: 2 } });
 * const trainer = new Trainer(model, task, { epochs: 12, optimizer: new Adam(model.parameters(), { lr: 3e-3 }), clip: 1 });
 * const { best } = await trainer.fit(); // the model now holds the best epoch's weights
 * best?.epoch; // the epoch chosen on the validation split; best.metrics has its numbers
 * ```
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
  private readonly divergence: DivergenceGuard;
  private readonly reader: StepReader;
  private readonly interruption: Interruption;

  constructor(
    readonly model: SequenceModel,
    readonly task: AnyTask,
    readonly options: TrainerOptions,
  ) {
    assertKnownOptions('Trainer', options, OPTION_NAMES);
    if (!Number.isInteger(options.epochs) || options.epochs < 1)
      throw new ValueError(`Trainer: epochs must be a positive integer, got ${options.epochs}`);
    this.batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new ValueError(`Trainer: batchSize must be a positive integer, got ${this.batchSize}`);
    this.monitor = options.monitor ?? (task.objective === 'regression' || task.objective === 'language-model' ? 'loss' : 'accuracy');
    assertFits(model, task);
    this.shuffleRng = Rng.derive(options.seed ?? 0, 'shuffle');
    this.lastGood = snapshot(model);
    this.divergence = new DivergenceGuard(options.divergenceFactor ?? 1000);
    this.reader = new StepReader(options.logEvery ?? 1);
    this.interruption = new Interruption(options.signal);
    if (!Number.isInteger(this.reader.every) || this.reader.every < 1)
      throw new ValueError(`Trainer: logEvery must be a positive integer, got ${options.logEvery}`);
  }

  /**
   * Carries on on another registered backend: moves the weights, their gradients and the
   * optimizer's state there (all or nothing) and makes it the active backend.
   * @example await trainer.to('tfjs-wasm'); await trainer.fit()
   */
  async to(backend: string): Promise<this> {
    await moveModule(this.model, backend);
    await this.options.optimizer.to(backend);
    await setBackend(backend);
    return this;
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
    const recording = this.options.record;
    const recordAt = (epoch: number) => recording?.onRecord(recordActivity(this.model, this.task, epoch, recording));
    if (this.epoch === 0) await recordAt(0);
    while (this.epoch < epochs) {
      const epochStart = performance.now();
      const epoch = this.epoch + 1;
      const train = await this.trainEpoch(epoch, (done) => {
        const elapsed = (performance.now() - started) / 1000;
        const fraction = (epoch - 1 - firstEpoch + done) / (epochs - firstEpoch);
        return { elapsed, eta: fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN };
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
      // The one answer to "which epoch is best" (so far): charts and reports read it from metrics.jsonl.
      record.best_epoch = this.best.epoch;
      this.options.schedule?.step(record.validation_loss);
      if (epoch % (recording?.every ?? 1) === 0 || epoch === epochs) await recordAt(epoch);
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

  /** Metrics of the model as it is now on one split (see `evaluate`). */
  evaluate(split: SplitName): Metrics {
    return evaluate(this.model, this.task, split, { batchSize: this.batchSize, bptt: this.options.bptt });
  }

  /** Stops between batches when the signal is aborted, with the last finished epoch's weights. */
  private async breathe(): Promise<void> {
    if (!(await this.interruption.heard())) return;
    this.options.optimizer.zeroGrad();
    loadStateDict(this.model, this.lastGood);
    throw new InterruptedError(this.epoch);
  }

  private async trainEpoch(epoch: number, timing: Timing): Promise<{ metrics: Metrics; gradNorm: number }> {
    const task = this.task;
    if (task.objective === 'language-model') {
      const { tally, gradNorm } = await this.streamTrain(task, epoch, timing);
      return { metrics: summarise('language-model', tally), gradNorm };
    }
    const data = task.train;
    const order = this.shuffleRng.shuffle(Array.from({ length: data.size }, (_, i) => i));
    const batches = Math.ceil(data.size / this.batchSize);
    const tally = emptyTally();
    let normSum = 0;
    for (let b = 0; b < batches; b++) {
      await this.breathe();
      const batch = gather(data, order.slice(b * this.batchSize, (b + 1) * this.batchSize));
      const step = tidy(() =>
        withoutFiniteChecks(() => {
          const { output, cache } = this.model.forward(inputTensor(this.model, batch, task.steps), { training: true });
          return this.step(batchLoss(task.objective, output, batch.targets), cache, epoch, b + 1);
        }),
      );
      addTally(tally, step.tally);
      normSum += step.norm;
      this.progress(epoch, b + 1, batches, tally, task.objective !== 'regression', timing);
    }
    const rest = this.flush(epoch, batches);
    addTally(tally, rest.tally);
    return { metrics: summariseTask(task, tally), gradNorm: (normSum + rest.norm) / batches };
  }

  /**
   * Backward, clipping on the device, the step's one read (loss, tally, output check, norm; every
   * `logEvery` steps), the guards, then the optimizer's update — refused when anything is off.
   */
  private step(loss: BatchLoss, cache: SequenceForwardResult['cache'], epoch: number, batch: number): { tally: Tally; norm: number } {
    this.model.backward(loss.grad, cache);
    const { clip, clipValue, optimizer } = this.options;
    const summary = this.reader.add(stepSummary(this.model.parameters(), loss, { clip, clipValue }), loss.count);
    if (summary) this.check(summary, epoch, batch);
    optimizer.step();
    optimizer.zeroGrad();
    return summary ?? { tally: emptyTally(), norm: 0 };
  }

  /** The steps not read yet (with `logEvery` > 1), read and checked at the end of an epoch. */
  private flush(epoch: number, batch: number): { tally: Tally; norm: number } {
    const summary = this.reader.flush();
    if (summary) this.check(summary, epoch, batch);
    return summary ?? { tally: emptyTally(), norm: 0 };
  }

  private check(summary: StepSummary, epoch: number, batch: number): void {
    if (!summary.outputFinite) this.fail(`model output at epoch ${epoch}, batch ${batch} holds NaN or infinite values`);
    this.guard(summary.tally, epoch, batch);
    if (!Number.isFinite(summary.norm)) this.fail(`gradient norm is ${summary.norm}`);
  }

  private guard(tally: Tally, epoch: number, batch: number): void {
    const problem = this.divergence.check(tally.lossSum / Math.max(tally.count, 1));
    if (problem) this.fail(`loss at epoch ${epoch}, batch ${batch} ${problem}`, DivergedError);
  }

  /** Restores the last good weights and stops: a non-finite value, or the divergence rule. */
  private fail(what: string, Kind: typeof DivergedError = NonFiniteLossError): never {
    this.options.optimizer.zeroGrad();
    loadStateDict(this.model, this.lastGood);
    const kept = this.epoch > 0 ? `epoch ${this.epoch}'s weights are kept` : 'the initial weights are kept';
    throw new Kind(`training diverged: the ${what}; ${kept} — lower the learning rate (--lr) or clip gradients (--clip 1)`);
  }

  private progress(epoch: number, batch: number, batches: number, tally: Tally, classes: boolean, timing: Timing): void {
    if (!this.options.onProgress) return;
    const metrics = summarise(classes ? 'classification' : 'regression', tally);
    this.options.onProgress({
      epoch,
      epochs: this.options.epochs,
      batch,
      batches,
      loss: metrics.loss!,
      accuracy: metrics.accuracy,
      ...timing(batch / batches),
    });
  }

  /** Truncated BPTT over a token stream cut into `batchSize` parallel rows. */
  private async streamTrain(task: TextTask, epoch: number, timing: Timing): Promise<{ tally: Tally; gradNorm: number }> {
    const { epochs, scheduledSampling, bptt = 64 } = this.options;
    const probability = scheduledSampling
      ? scheduledSampling.from + (scheduledSampling.to - scheduledSampling.from) * (epochs > 1 ? (epoch - 1) / (epochs - 1) : 1)
      : 0;
    let normSum = 0,
      chunks = 0;
    const pass = streamChunks(this.model, task, task.train, {
      batchSize: this.batchSize,
      bptt,
      sampling: { probability, rng: this.shuffleRng },
      train: ({ forward, loss, chunk }) => {
        const step = withoutFiniteChecks(() => this.step(loss, forward.cache, epoch, chunk));
        normSum += step.norm;
        return step.tally;
      },
      onChunk: (chunk, total, running) => {
        chunks = total;
        this.progress(epoch, chunk, total, running, true, timing);
      },
    });
    const tally = await drain(pass, () => this.breathe());
    const rest = this.flush(epoch, chunks);
    addTally(tally, rest.tally);
    return { tally, gradNorm: (normSum + rest.norm) / Math.max(chunks, 1) };
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
      referenceLoss: this.divergence.reference,
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
    this.divergence.reference = state.referenceLoss ?? null;
    this.lastGood = snapshot(this.model);
  }
}
