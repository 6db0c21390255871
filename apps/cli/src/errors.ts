import { LstmError } from '@lstm/core';
import { DivergedError } from '@lstm/tasks';
import { CommanderError } from '@commander-js/extra-typings';

/**
 * The exit codes of the `lstm` command, one per kind of outcome (documented in the CLI's
 * README and `lstm --help`):
 *   0   success
 *   1   bad input: a missing, unreadable or corrupt file, data the task cannot use
 *   2   usage: an unknown command or option, a bad or conflicting option value, a run too large
 *       for this machine
 *   3   training diverged (non-finite or exploding loss); the last good weights are on disk
 *   70  internal error: a bug in @lstm (EX_SOFTWARE); LSTM_DEBUG=1 prints the stack
 *   130 interrupted (Ctrl-C, as shells report SIGINT); the last finished epoch is on disk
 */
export const EXIT = { ok: 0, badInput: 1, usage: 2, diverged: 3, internal: 70, interrupted: 130 } as const;

/** A user mistake the CLI reports in one line, with its exit code (usage by default). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/** Ctrl-C during `lstm train`: not a mistake, so no "error:"; the last finished epoch is on disk (exit 130). */
export class Interrupted extends Error {
  constructor(epochsDone: number, out: string) {
    super(
      epochsDone === 0
        ? `interrupted during epoch 1 — no epoch finished, nothing was saved in ${out}; run the command again to start over`
        : `interrupted after epoch ${epochsDone} — continue with \`lstm train --resume --out ${out}\``,
    );
  }
}

/** What the file system says, turned into one line that names the path and the fix. */
const FILE_SYSTEM: Record<string, (path: string) => string> = {
  ENOENT: (path) => `no such file: ${path}; check the path`,
  EACCES: (path) => `permission denied: ${path}; choose a location you may read or write`,
  EPERM: (path) => `operation not permitted on ${path}; choose an ordinary directory you own`,
  EROFS: (path) => `${path} is on a read-only file system; choose another location`,
  ENOTDIR: (path) => `${path} is a file, not a directory; choose another path`,
  EEXIST: (path) => `${path} already exists and is not a directory; choose another path`,
  EISDIR: (path) => `${path} is a directory; give a file`,
  ENOSPC: (path) => `no space left on the device holding ${path}; free some space (files already saved are intact)`,
  EDQUOT: (path) => `disk quota exceeded writing ${path}; free some space (files already saved are intact)`,
  ENAMETOOLONG: (path) => `the path ${path} is too long; choose a shorter one`,
  ELOOP: (path) => `${path} leads to a loop of symbolic links; check the path`,
  EMFILE: (path) => `too many open files while opening ${path}; close other programs and retry`,
  EBUSY: (path) => `${path} is busy; retry when it is free`,
  EINVAL: (path) => `${path} is not a valid path here; choose another location`,
};

/** Prints one line for a user mistake and returns its exit code; a stack only for real bugs (or with LSTM_DEBUG=1). */
export function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed its one line already; help and version are not mistakes
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const debug = process.env.LSTM_DEBUG === '1';
  const stack = () => {
    if (debug) process.stderr.write(`${(error as Error)?.stack}\n`);
  };
  if (error instanceof Interrupted) {
    process.stderr.write(`lstm: ${oneLine(error.message)}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof UsageError || error instanceof LstmError) {
    process.stderr.write(`lstm: error: ${oneLine(error.message)}\n`);
    stack();
    if (error instanceof UsageError) return error.exitCode;
    return error instanceof DivergedError ? EXIT.diverged : EXIT.badInput;
  }
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (code && path) {
    const message = FILE_SYSTEM[code]?.(path) ?? `cannot use ${path} (${code}); check the path`;
    process.stderr.write(`lstm: error: ${message}\n`);
    stack();
    return EXIT.badInput;
  }
  process.stderr.write(
    `lstm: internal error: ${oneLine((error as Error)?.message ?? String(error))} — this is a bug, please report it (LSTM_DEBUG=1 shows the stack)\n`,
  );
  stack();
  return EXIT.internal;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
