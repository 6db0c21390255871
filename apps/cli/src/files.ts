import { readFileSync, statSync } from 'node:fs';
import { EXIT, UsageError } from './errors.js';
import { availableMemory } from './memory.js';

/**
 * Reads a file the user named. Node reports some failures (a directory: EISDIR from `read`)
 * without the path; this adds it, so the error line can name the file.
 */
export function readUserFile(path: string): Buffer {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR', path });
    // A device or a pipe (/dev/zero, /dev/stdin) could be read forever: only regular files.
    if (!stats.isFile()) throw new UsageError(`${path} is not a regular file (a device or a pipe?); give a file`, EXIT.badInput);
    const limit = availableMemory() / 4;
    if (stats.size > limit) {
      throw new UsageError(
        `${path} is ${(stats.size / 1e9).toFixed(1)} GB, more than a quarter of this machine's memory; give a smaller file`,
        EXIT.badInput,
      );
    }
    return readFileSync(path);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code && !failure.path) failure.path = path;
    throw failure;
  }
}
