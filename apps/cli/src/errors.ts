import { LstmError } from '@lstm/core';
import { CommanderError } from 'commander';

/** A user mistake the CLI reports in one line (exit code 2 for usage, 1 otherwise). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Prints one line for a user mistake; a stack only for real bugs (or with LSTM_DEBUG=1). */
export function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  const debug = process.env.LSTM_DEBUG === '1';
  if (error instanceof UsageError || error instanceof LstmError) {
    process.stderr.write(`lstm: error: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? error.exitCode : 1;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  if (code === 'ENOENT' && path) return line(`no such file: ${path}; check the path`);
  if (code === 'EACCES' && path) return line(`permission denied: ${path}; choose a writable location`);
  if (code === 'EISDIR' && path) return line(`${path} is a directory; give a file`);
  process.stderr.write(
    `lstm: internal error: ${(error as Error)?.message ?? String(error)} — this is a bug, please report it (LSTM_DEBUG=1 shows the stack)\n`,
  );
  if (debug) process.stderr.write(`${(error as Error)?.stack}\n`);
  return 70;
}

function line(message: string): number {
  process.stderr.write(`lstm: error: ${message}\n`);
  return 1;
}
