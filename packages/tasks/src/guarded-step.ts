import { prefetch, tidy, type Tensor } from '@lstm/core';
import { loadStateDict, type SequenceForwardResult, type SequenceModel } from '@lstm/layers';
import type { Optimizer } from '@lstm/optim';
import { DivergedError, NonFiniteLossError } from './errors.js';
import { DivergenceGuard, snapshot } from './guards.js';
import { emptyTally, type BatchLoss, type Tally } from './metrics.js';
import { StepReader, stepSummary, type StepSummary } from './train-step.js';

type Weights = Record<string, Float32Array | Float64Array>;

/**
 * One training step, split around its one read so that it runs on backends that read
 * asynchronously: `prepare` (backward, clipping, the summary — all on the device), then the
 * caller `await prefetch`es what it returned, then `apply` (the guards, then the update —
 * refused when anything is off, with the last good weights put back).
 */
export class GuardedStep {
  /** The last finished epoch's weights on the host (`remember`). */
  lastGood: Weights | null = null;
  readonly reader: StepReader;
  readonly divergence: DivergenceGuard;

  constructor(
    private readonly model: SequenceModel,
    private readonly options: { optimizer: Optimizer; clip?: number; clipValue?: number; logEvery?: number; divergenceFactor?: number },
    /** Epochs finished so far, for the error message. */
    private readonly epochsDone: () => number,
  ) {
    this.reader = new StepReader(options.logEvery ?? 1);
    this.divergence = new DivergenceGuard(options.divergenceFactor ?? 1000);
  }

  /** Backward and clipping on the device; returns what to read before the update (every `logEvery` steps). */
  prepare(loss: BatchLoss, cache: SequenceForwardResult['cache']): readonly Tensor[] {
    this.model.backward(loss.grad, cache);
    const { clip, clipValue } = this.options;
    return this.reader.add(stepSummary(this.model.parameters(), loss, { clip, clipValue }), loss.count);
  }

  /** Once the summary is on the host: the guards, then the optimizer's update. */
  apply(epoch: number, batch: number): { tally: Tally; norm: number } {
    const judged = this.judged(this.reader.due ? this.reader.read() : null, epoch, batch);
    const { optimizer } = this.options;
    tidy(() => optimizer.step());
    optimizer.zeroGrad();
    return judged;
  }

  /** The steps not read yet (with `logEvery` > 1), read and checked at the end of an epoch. */
  async flush(epoch: number, batch: number): Promise<{ tally: Tally; norm: number }> {
    await prefetch(this.reader.pending);
    return this.judged(this.reader.read(), epoch, batch);
  }

  /** The weights and the optimizer's state read to the host (core's `prefetch`): saving them then reads synchronously. */
  async hostCopies(): Promise<void> {
    await prefetch(this.model.parameters().map((p) => p.value));
    await this.options.optimizer.prefetch();
  }

  /** Takes the weights as they are now as the last good ones, and returns them. */
  async remember(): Promise<Weights> {
    await this.hostCopies();
    this.lastGood = snapshot(this.model);
    return this.lastGood;
  }

  /** Drops the step in flight and puts the last good weights back. */
  restoreLastGood(): void {
    this.reader.discard();
    this.options.optimizer.zeroGrad();
    if (this.lastGood) loadStateDict(this.model, this.lastGood);
  }

  /** A read summary through the guards (nothing read: an empty tally). */
  private judged(summary: StepSummary | null, epoch: number, batch: number): { tally: Tally; norm: number } {
    if (!summary) return { tally: emptyTally(), norm: 0 };
    this.check(summary, epoch, batch);
    return summary;
  }

  private check(summary: StepSummary, epoch: number, batch: number): void {
    if (!summary.outputFinite) this.fail(`model output at epoch ${epoch}, batch ${batch} holds NaN or infinite values`);
    const problem = this.divergence.check(summary.tally.lossSum / Math.max(summary.tally.count, 1));
    if (problem) this.fail(`loss at epoch ${epoch}, batch ${batch} ${problem}`, DivergedError);
    if (!Number.isFinite(summary.norm)) this.fail(`gradient norm is ${summary.norm}`);
  }

  /** Restores the last good weights and stops: a non-finite value, or the divergence rule. */
  private fail(what: string, Kind: typeof DivergedError = NonFiniteLossError): never {
    this.restoreLastGood();
    const kept = this.epochsDone() > 0 ? `epoch ${this.epochsDone()}'s weights are kept` : 'the initial weights are kept';
    throw new Kind(`training diverged: the ${what}; ${kept} — lower the learning rate (--lr) or clip gradients (--clip 1)`);
  }
}
