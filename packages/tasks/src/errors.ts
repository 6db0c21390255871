import { LstmError } from '@lstm/core';

/** The loss stopped being a number; the model holds the last good epoch's weights. */
export class NonFiniteLossError extends LstmError {
  constructor(message: string) {
    super(message, 'NON_FINITE_LOSS');
    this.name = 'NonFiniteLossError';
  }
}
