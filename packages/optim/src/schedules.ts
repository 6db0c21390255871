import { ValueError } from '@lstm/core';

/** What a schedule changes: anything with a learning rate (every Optimizer). */
export interface HasLearningRate {
  lr: number;
}

/** Schedules step once per epoch, after it, as PyTorch's lr_scheduler does. */
export interface Schedule {
  readonly name: string;
  /** Advance one epoch; ReduceLROnPlateau reads the monitored metric (e.g. validation loss). */
  step(metric?: number): void;
  /** What to store in a checkpoint to resume exactly. */
  state(): Record<string, number>;
  loadState(state: Record<string, number>): void;
}

abstract class EpochSchedule implements Schedule {
  abstract readonly name: string;
  protected epoch = 0;
  protected readonly baseLr: number;

  constructor(protected readonly optimizer: HasLearningRate) {
    this.baseLr = optimizer.lr;
  }

  step(): void {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  protected abstract lrAt(epoch: number): number;

  state(): Record<string, number> {
    return { epoch: this.epoch };
  }

  loadState(state: Record<string, number>): void {
    this.epoch = state.epoch ?? 0;
    this.optimizer.lr = this.lrAt(this.epoch);
  }
}

function positive(what: string, name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new ValueError(`${what}: ${name} must be a positive number, got ${value}`);
  return value;
}

/** lr = base · γ^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends EpochSchedule {
  readonly name = 'step';
  constructor(
    optimizer: HasLearningRate,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    positive('StepLR', 'gamma', gamma);
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** lr = base · γ^epoch (ExponentialLR). */
export class ExponentialLR extends EpochSchedule {
  readonly name = 'exponential';
  constructor(
    optimizer: HasLearningRate,
    readonly gamma: number,
  ) {
    super(optimizer);
    positive('ExponentialLR', 'gamma', gamma);
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** epoch;
  }
}

/** lr = η_min + (base − η_min)(1 + cos(π · epoch / T_max)) / 2 (CosineAnnealingLR). */
export class CosineAnnealingLR extends EpochSchedule {
  readonly name = 'cosine';
  constructor(
    optimizer: HasLearningRate,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    if (!Number.isInteger(tMax) || tMax < 1) throw new ValueError(`CosineAnnealingLR: tMax must be a positive integer, got ${tMax}`);
  }

  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  /** Relative improvement that counts (PyTorch's threshold_mode 'rel'). */
  threshold?: number;
  cooldown?: number;
  minLr?: number;
}

/**
 * Multiplies lr by `factor` when the monitored metric has not improved for `patience` epochs
 * (ReduceLROnPlateau, threshold_mode 'rel', eps 1e-8) — exactly PyTorch's bookkeeping.
 */
export class ReduceLROnPlateau implements Schedule {
  readonly name = 'plateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(
    private readonly optimizer: HasLearningRate,
    options: PlateauOptions = {},
  ) {
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    if (!(this.factor > 0 && this.factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  step(metric?: number): void {
    if (metric === undefined || Number.isNaN(metric))
      throw new ValueError('ReduceLROnPlateau: step(metric) needs the monitored metric (e.g. validation loss)');
    const better = this.mode === 'min' ? metric < this.best * (1 - this.threshold) : metric > this.best * (1 + this.threshold);
    if (better) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.patience) {
      const lr = Math.max(this.optimizer.lr * this.factor, this.minLr);
      if (this.optimizer.lr - lr > 1e-8) this.optimizer.lr = lr;
      this.cooldownLeft = this.cooldown;
      this.badEpochs = 0;
    }
  }

  state(): Record<string, number> {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft, lr: this.optimizer.lr };
  }

  loadState(state: Record<string, number>): void {
    this.best = state.best ?? this.best;
    this.badEpochs = state.badEpochs ?? 0;
    this.cooldownLeft = state.cooldownLeft ?? 0;
    if (state.lr !== undefined) this.optimizer.lr = state.lr;
  }
}
