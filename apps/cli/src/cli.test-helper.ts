import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@lstm/layers';
import { expect } from 'vitest';

/** Test helpers (not part of the CLI): run the real command in a child process, read what a run wrote. */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** The node arguments that run `lstm …` from TypeScript sources through tsx (for a process a test starts and signals). */
export function lstmArgs(...args: string[]): string[] {
  return ['--conditions=@lstm/source', '--import', tsx, main, ...args];
}

/** `lstm …` run from TypeScript sources through tsx, in `cwd`; returns the exit code and both streams. */
export function cli(cwd: string) {
  return (...args: string[]) => {
    const result = spawnSync(process.execPath, lstmArgs(...args), { encoding: 'utf8', cwd });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}

/** Every tensor of a safetensors file as plain numbers, by name. */
export function tensorsOf(path: string): Record<string, number[]> {
  const { tensors } = decodeSafetensors(readFileSync(path), path);
  return Object.fromEntries(Object.entries(tensors).map(([name, entry]) => [name, Array.from(entry.data)]));
}

/** A run's metrics.jsonl without the wall-clock `seconds`, for comparing two runs. */
export function metricRecords(out: string): Record<string, number>[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { seconds: _seconds, ...rest } = JSON.parse(line) as Record<string, number>;
      return rest;
    });
}

/** A user mistake as the CLI must end it: exactly one stderr line matching `message`, exit `code`. */
export function expectOneLineMistake(result: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(result.code, result.stderr).toBe(code);
}
