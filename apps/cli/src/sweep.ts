import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { decodeSafetensors } from '@lstm/layers';
import { writeFileAtomic } from '@lstm/tasks/node';
import { EXIT, UsageError } from './errors.js';
import { type SweepSpec, type Trial, expandTrials, parseGridFlags, readSweepFile } from './sweep-spec.js';
import { VERSION } from './version.js';

/** The version of a trial record in trials.jsonl; a reader refuses other versions in one line. */
export const TRIAL_FORMAT = 1;

/** One finished trial, as a line of DIR/trials.jsonl. */
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

export interface SweepOptions {
  out: string;
  spec?: string;
  grid?: string[];
  random?: number;
  seeds?: number;
  workers?: number;
  json?: boolean;
  quiet?: boolean;
  /** `lstm train` options every trial shares (after `--`). */
  train?: string[];
}

/** The finished trials of a sweep folder, by id (later lines win). */
export function readTrials(out: string): Map<string, TrialRecord> {
  const path = join(out, 'trials.jsonl');
  const records = new Map<string, TrialRecord>();
  if (!existsSync(path)) return records;
  for (const [k, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (!line.trim()) continue;
    let record: TrialRecord;
    try {
      record = JSON.parse(line) as TrialRecord;
    } catch {
      throw new UsageError(`${path}:${k + 1} is not a trial record (not JSON); remove the line to run that trial again`, EXIT.badInput);
    }
    if (record.format !== TRIAL_FORMAT)
      throw new UsageError(
        `${path}:${k + 1} is a trial of format ${record.format}; this lstm (${VERSION}) reads format ${TRIAL_FORMAT}`,
        EXIT.badInput,
      );
    records.set(record.id, record);
  }
  return records;
}

/** The sweep's spec from --spec, --grid, --seeds, --random and the shared train options. */
function specOf(o: SweepOptions): { spec: SweepSpec; shared: string[] } {
  const file = o.spec ? readSweepFile(o.spec) : {};
  const shared = o.train ?? [];
  const own = shared.find((a) => /^--(out|seed|resume|force|json|quiet)(=|$)/.test(a));
  if (own) throw new UsageError(`sweep: ${own} is set by the sweep for each trial; drop it from the options after --`);
  const spec: SweepSpec = {
    base: file.base ?? {},
    grid: { ...(file.grid ?? {}), ...parseGridFlags(o.grid ?? []) },
    seeds: o.seeds ?? file.seeds ?? 1,
    ...((o.random ?? file.random) !== undefined ? { random: o.random ?? file.random } : {}),
  };
  return { spec, shared };
}

/**
 * `lstm sweep`: every trial of the spec as an ordinary `lstm train` run folder under DIR/trials,
 * `workers` at a time (one process each), each finished one appended to DIR/trials.jsonl. Run it
 * again and it continues: a recorded trial is never run twice, an interrupted one resumes from
 * its checkpoint.
 */
export async function sweep(o: SweepOptions): Promise<void> {
  const { spec, shared } = specOf(o);
  const trials = expandTrials(spec, o.out, shared);
  const ids = new Set(trials.map((t) => t.id));
  if (ids.size !== trials.length) throw new UsageError('sweep: two trials share a configuration; give each grid value once');
  mkdirSync(o.out, { recursive: true });
  writeFileAtomic(join(o.out, 'sweep.json'), `${JSON.stringify({ version: VERSION, format: TRIAL_FORMAT, spec, shared }, null, 2)}\n`);
  const done = readTrials(o.out);
  const pending = trials.filter((t) => !done.has(t.id));
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), pending.length || 1));
  const log = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  log(`sweep: ${trials.length} trials (${trials.length - pending.length} already done), ${workers} worker(s); folder ${o.out}`);
  const bar =
    o.quiet || !process.stderr.isTTY
      ? null
      : new SingleBar({ format: 'trials |{bar}| {value}/{total} done, {running} running, {left} left | ETA {eta_formatted}' });
  bar?.start(trials.length, trials.length - pending.length, { running: 0, left: pending.length });
  const failures: string[] = [];
  let running = 0;
  let interrupted = false;
  const children = new Set<ChildProcess>();
  const onSigint = () => {
    // Each running trial stops after saving its checkpoint, as lstm train does on Ctrl-C (the
    // signal is passed on for a sweep stopped by `kill -INT`; a terminal sends it to them already).
    interrupted = true;
    for (const child of children) child.kill('SIGINT');
  };
  process.once('SIGINT', onSigint);
  const queue = [...pending];
  const worker = async () => {
    for (let trial = queue.shift(); trial && !interrupted; trial = queue.shift()) {
      running++;
      bar?.update({ running, left: queue.length });
      const outcome = await runTrial(trial, children);
      running--;
      if (outcome.record) {
        appendFileSync(join(o.out, 'trials.jsonl'), `${JSON.stringify(outcome.record)}\n`);
        done.set(trial.id, outcome.record);
      } else if (!interrupted) failures.push(`${trial.id}: ${outcome.error}`);
      bar?.update(done.size, { running, left: queue.length });
      if (!bar) log(`  ${done.size}/${trials.length} ${trial.id}: ${outcome.record ? outcome.record.status : 'failed'}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
  }
  if (interrupted)
    throw new UsageError(
      `sweep interrupted: ${done.size} of ${trials.length} trials done; run the same command to continue`,
      EXIT.interrupted,
    );
  if (failures.length)
    throw new UsageError(`sweep: ${failures.length} trial(s) failed — ${failures[0]}; run the same command to retry them`, EXIT.badInput);
  if (o.json) process.stdout.write(`${JSON.stringify({ out: o.out, trials: trials.length, records: join(o.out, 'trials.jsonl') })}\n`);
  else log(`sweep: ${trials.length} trials done; lstm sweep report ${o.out} for the table`);
}

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
 * One trial as its own `lstm train` process: --resume from the checkpoint an interrupted run left;
 * from scratch otherwise — also for a run that finished but was not recorded (the process was
 * stopped in between), which gives the same bits again, since a trial's seed fixes its run.
 */
function runTrial(trial: Trial, children: Set<ChildProcess>): Promise<{ record?: TrialRecord; error?: string }> {
  const resume = existsSync(join(trial.out, 'checkpoint.safetensors')) && !finished(trial.out);
  const args = [...process.execArgv, process.argv[1]!, 'train', ...trial.args, resume ? '--resume' : '--force', '--json', '--quiet'];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
