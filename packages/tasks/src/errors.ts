import { LstmError } from '@lstm/core';

/**
 * Training diverged: the loss stopped being a number, or grew past the divergence rule
 * (`DivergenceGuard`). The model holds the last good epoch's weights (or the initial ones).
 */
export class DivergedError extends LstmError {
  constructor(message: string, code = 'DIVERGED') {
    super(message, code);
    this.name = 'DivergedError';
  }
}

/** The loss (or the model's output, or the gradient norm) is NaN or infinite. */
export class NonFiniteLossError extends DivergedError {
  constructor(message: string) {
    super(message, 'NON_FINITE_LOSS');
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Training was stopped through `TrainerOptions.signal` (a Ctrl-C, a Stop button). `epochsDone`
 * epochs completed; the model holds the weights of the last of them (the initial ones if none),
 * and the state `onEpoch` saw then is the one to resume from.
 */
export class InterruptedError extends LstmError {
  constructor(readonly epochsDone: number) {
    super(`training interrupted after epoch ${epochsDone}`, 'INTERRUPTED');
    this.name = 'InterruptedError';
  }
}
