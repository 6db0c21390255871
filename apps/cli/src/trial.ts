import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@lstm/layers';
import { EXIT } from './errors.js';
import type { Trial } from './sweep-spec.js';

/**
 * The version of a trial — the record in trials.jsonl and the job on a queue. A reader or a worker
 * of another version refuses it in one line rather than misread it.
 */
export const TRIAL_FORMAT = 1;

/** One finished trial, as a line of DIR/trials.jsonl (and a queue job's result). */
export interface TrialRecord {
  format: number;
  id: string;
  /** The configuration's place in the sweep's grid order. */
  index: number;
  config: Record<string, unknown>;
  seed: number;
  out: string;
  /** 'done', or 'diverged' (lstm train's exit 3: a result of the configuration, kept like any other). */
  status: 'done' | 'diverged';
  /** `lstm train --json`'s summary (absent for a diverged trial). */
  summary?: Record<string, unknown>;
  message?: string;
  seconds: number;
}

/** A trial's outcome: its record, or why it failed (a crash or a bad option, not a diverged run). */
export type TrialOutcome = { record: TrialRecord; error?: undefined } | { record?: undefined; error: string };

/** The lstm command beside this module (main.ts in the sources, main.js built): `sweep()` called from a program runs its trials with it. */
const MAIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url));

/** Whether a trial folder holds a finished run: its model file carries lstm train's closing summary. */
function finished(out: string): boolean {
  const path = join(out, 'model.safetensors');
  if (!existsSync(path)) return false;
  try {
    const training = decodeSafetensors(readFileSync(path), path).metadata['lstm.training'];
    return training !== undefined && (JSON.parse(training) as Record<string, unknown>).stopped_early !== undefined;
  } catch {
    return false;
  }
}

/**
 * One trial as its own `lstm train` process, run in `cwd` (where the sweep was started, for its
 * relative paths): --resume from the checkpoint an interrupted run left; from scratch otherwise —
 * also for a run that finished but was not recorded (its process was stopped in between), which
 * gives the same bits again, since a trial's seed fixes its run. The child ends with its parent
 * (LSTM_EXIT_WITH_PARENT): a worker killed with SIGKILL leaves no orphan writing the folder that
 * the worker taking its trial over resumes.
 */
export function runTrial(trial: Trial, children: Set<ChildProcess>, cwd = process.cwd()): Promise<TrialOutcome> {
  const folder = resolve(cwd, trial.out);
  const resume = existsSync(join(folder, 'checkpoint.safetensors')) && !finished(folder);
  const args = [...process.execArgv, MAIN, 'train', ...trial.args, resume ? '--resume' : '--force', '--json', '--quiet'];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LSTM_EXIT_WITH_PARENT: '1' },
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => {
      children.delete(child);
      const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      const base = {
        format: TRIAL_FORMAT,
        id: trial.id,
        index: trial.index,
        config: trial.config,
        seed: trial.seed,
        out: trial.out,
        seconds,
      };
      const message = stderr.trim().split('\n').at(-1) ?? '';
      if (code === 0) {
        try {
          resolve({ record: { ...base, status: 'done', summary: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') } });
        } catch {
          resolve({ error: `no summary from lstm train (${message})` });
        }
      } else if (code === EXIT.diverged) resolve({ record: { ...base, status: 'diverged', message } });
      else resolve({ error: `exit ${code}: ${message}` });
    });
  });
}

/**
 * In a trial's `lstm train` (LSTM_EXIT_WITH_PARENT=1): end when the sweep or worker that started
 * it is gone — its end of our stdin closes when it dies, even by SIGKILL. What the run had saved
 * (its last checkpoint, written atomically) stays for the next worker to resume.
 */
export function exitWithParent(): void {
  if (process.env.LSTM_EXIT_WITH_PARENT !== '1') return;
  process.stdin.on('end', () => process.exit(EXIT.interrupted));
  process.stdin.on('error', () => process.exit(EXIT.interrupted));
  process.stdin.resume();
}
