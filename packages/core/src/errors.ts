/**
 * Errors a user can act on. Every message is one line: what is wrong, then what to do.
 * `code` lets programs (the CLI, tests) tell kinds apart without parsing messages.
 */
export class LstmError extends Error {
  constructor(
    message: string,
    readonly code: string = 'LSTM_ERROR',
  ) {
    super(message);
    this.name = 'LstmError';
  }
}

/** A tensor has the wrong rank or size for the operation. */
export class ShapeError extends LstmError {
  constructor(message: string) {
    super(message, 'SHAPE');
    this.name = 'ShapeError';
  }
}

/** Bad option values, unknown names, NaN where finite values are required. */
export class ValueError extends LstmError {
  constructor(message: string) {
    super(message, 'VALUE');
    this.name = 'ValueError';
  }
}

/** Backend registration and lookup problems. */
export class BackendError extends LstmError {
  constructor(message: string) {
    super(message, 'BACKEND');
    this.name = 'BackendError';
  }
}
