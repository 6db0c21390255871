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
