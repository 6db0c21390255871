import { Rng, ValueError, assertKnownOptions, prefetch, setBackend, tidy } from '@lstm/core';
import { loadStateDict, moveModule, type SequenceModel } from '@lstm/layers';
import { gather } from './data.js';
import { InterruptedError } from './errors.js';
import { GuardedStep } from './guarded-step.js';
import { assertFits } from './guards.js';
import { Interruption } from './interruption.js';
import { readLater } from './reads.js';
import { recordActivityAsync } from './recording.js';
import { evaluateAsync, summariseTask, type AnyTask, type SplitName } from './evaluate.js';
import { addTally, batchLoss, emptyTally, inputTensor, summarise, type Metrics, type Tally } from './metrics.js';
import { withoutFiniteChecks } from './train-step.js';
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
  private readonly stepper: GuardedStep;
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
    this.stepper = new GuardedStep(model, options, () => this.epoch);
    this.interruption = new Interruption(options.signal);
    if (!Number.isInteger(this.stepper.reader.every) || this.stepper.reader.every < 1)
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

  /**
   * Runs the remaining epochs; resolves with the history and the best epoch. Reads the device
   * asynchronously, so it runs on every backend; when it settles (and in `onEpoch`), the
   * weights and the optimizer's state are on the host too (`prefetch`), so saving a model file
   * or a checkpoint reads them synchronously even on WebGPU.
   */
  async fit(): Promise<FitResult> {
    let result: FitResult;
    try {
      result = await this.run();
    } catch (error) {
      // The run's own error is the one to report; a device lost on the way would also fail here.
      await this.stepper.hostCopies().catch(() => undefined);
      throw error;
    }
    await this.stepper.hostCopies();
    return result;
  }

  private async run(): Promise<FitResult> {
    const { epochs, patience, restoreBest = true } = this.options;
    const started = performance.now();
    const firstEpoch = this.epoch;
    let stoppedEarly = false;
    const recording = this.options.record;
    const recordAt = async (epoch: number) => recording?.onRecord(await recordActivityAsync(this.model, this.task, epoch, recording));
    if (!this.stepper.lastGood) await this.stepper.remember();
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
      for (const [k, v] of Object.entries(await this.evaluate('validation'))) record[`validation_${k}`] = v;
      if (this.options.evaluateTest !== false) for (const [k, v] of Object.entries(await this.evaluate('test'))) record[`test_${k}`] = v;
      record.seconds = (performance.now() - epochStart) / 1000;
      this.epoch = epoch;
      this.history.push(record);
      const weights = await this.stepper.remember();
      const score = this.monitor === 'accuracy' ? record.validation_accuracy! : -record.validation_loss!;
      if (!this.best || score > this.best.score) {
        this.best = { epoch, score, weights };
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

  /** Metrics of the model as it is now on one split (see `evaluateAsync`). */
  evaluate(split: SplitName): Promise<Metrics> {
    return evaluateAsync(this.model, this.task, split, { batchSize: this.batchSize, bptt: this.options.bptt });
  }

  /** Stops between batches when the signal is aborted, with the last finished epoch's weights. */
  private async breathe(): Promise<void> {
    if (!(await this.interruption.heard())) return;
    this.stepper.restoreLastGood();
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
      const toRead = tidy(() =>
        withoutFiniteChecks(() => {
          const { output, cache } = this.model.forward(inputTensor(this.model, batch, task.steps), { training: true });
          return this.stepper.prepare(batchLoss(task.objective, output, batch.targets), cache);
        }),
      );
      await prefetch(toRead);
      const step = this.stepper.apply(epoch, b + 1);
      addTally(tally, step.tally);
      normSum += step.norm;
      this.progress(epoch, b + 1, batches, tally, task.objective !== 'regression', timing);
    }
    const rest = await this.stepper.flush(epoch, batches);
    addTally(tally, rest.tally);
    return { metrics: summariseTask(task, tally), gradNorm: (normSum + rest.norm) / batches };
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
      train: {
        prepare: ({ forward, loss }) => withoutFiniteChecks(() => this.stepper.prepare(loss, forward.cache)),
        apply: (chunk) => {
          const step = this.stepper.apply(epoch, chunk);
          normSum += step.norm;
          return step.tally;
        },
      },
      onChunk: (chunk, total, running) => {
        chunks = total;
        this.progress(epoch, chunk, total, running, true, timing);
      },
    });
    const tally = await readLater(pass, () => this.breathe());
    const rest = await this.stepper.flush(epoch, chunks);
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
      referenceLoss: this.stepper.divergence.reference,
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
    this.stepper.divergence.reference = state.referenceLoss ?? null;
    this.stepper.lastGood = null;
  }
}
