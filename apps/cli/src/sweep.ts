import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { writeFileAtomic } from '@lstm/tasks/node';
import { EXIT, UsageError } from './errors.js';
import { type SweepSpec, type Trial, expandTrials, parseGridFlags, readSweepFile } from './sweep-spec.js';
import { type QueueListener, queueTrials, reachQueue } from './queue.js';
import { TRIAL_FORMAT, type TrialRecord, runTrial } from './trial.js';
import { VERSION } from './version.js';

export interface SweepOptions {
  out: string;
  spec?: string;
  grid?: string[];
  random?: number;
  seeds?: number;
  workers?: number;
  quiet?: boolean;
  /** `lstm train` options every trial shares (after `--`). */
  train?: string[];
  /** Run the trials on this Redis queue (redis://HOST:PORT), taken by `lstm worker`s, instead of here. */
  queue?: string;
  /** Called as trials start and finish (a program's progress bar). */
  onProgress?: (progress: SweepProgress) => void;
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

/** Where a sweep stands, for a progress bar or a page. */
export interface SweepProgress {
  total: number;
  done: number;
  running: number;
  left: number;
}

/** The sweep's key on a queue, kept in sweep.json: a new folder is a new sweep, its jobs its own. */
function queueKey(out: string): string {
  try {
    const key = (JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { key?: unknown }).key;
    if (typeof key === 'string' && /^[0-9a-f]{12}$/.test(key)) return key;
  } catch {}
  return randomBytes(6).toString('hex');
}

/**
 * `lstm sweep`, and `sweep()` for a program: every trial of the spec as an ordinary `lstm train`
 * run folder under DIR/trials, each finished one appended to DIR/trials.jsonl; the records of all
 * trials, in grid order, once they are done. The trials run `workers` at a time in processes of
 * their own, or — with `queue` — on whichever `lstm worker`s take them from that Redis. Run it
 * again and it continues: a recorded trial is never run twice, an interrupted one resumes from
 * its checkpoint.
 */
export async function sweep(o: SweepOptions): Promise<TrialRecord[]> {
  const { spec, shared } = specOf(o);
  const trials = expandTrials(spec, o.out, shared);
  const ids = new Set(trials.map((t) => t.id));
  if (ids.size !== trials.length) throw new UsageError('sweep: two trials share a configuration; give each grid value once');
  if (o.queue && o.workers !== undefined)
    throw new UsageError('sweep: --workers is for trials run here; with --queue, each lstm worker sets its own --concurrency');
  if (o.queue) await reachQueue(o.queue); // before anything is written
  mkdirSync(join(o.out, 'trials'), { recursive: true }); // before the trials, which would race to make it
  const key = queueKey(o.out);
  const manifest = { version: VERSION, format: TRIAL_FORMAT, key, spec, shared };
  writeFileAtomic(join(o.out, 'sweep.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const done = readTrials(o.out);
  const pending = trials.filter((t) => !done.has(t.id));
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), pending.length || 1));
  const log = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  const where = o.queue ? `on the queue ${o.queue} (lstm worker --queue ${o.queue} runs them)` : `${workers} worker(s)`;
  log(`sweep: ${trials.length} trials (${trials.length - pending.length} already done), ${where}; folder ${o.out}`);
  const bar =
    o.quiet || !process.stderr.isTTY
      ? null
      : new SingleBar({ format: 'trials |{bar}| {value}/{total} done, {running} running, {left} left | ETA {eta_formatted}' });
  bar?.start(trials.length, trials.length - pending.length, { running: 0, left: pending.length });
  const progress = (running: number, left: number) => {
    bar?.update(done.size, { running, left });
    o.onProgress?.({ total: trials.length, done: done.size, running, left });
  };
  const failures: string[] = [];
  let interrupted = false;
  const children = new Set<ChildProcess>();
  const onSigint = () => {
    // Each running trial stops after saving its checkpoint, as lstm train does on Ctrl-C (the
    // signal is passed on for a sweep stopped by `kill -INT`; a terminal sends it to them already).
    interrupted = true;
    for (const child of children) child.kill('SIGINT');
  };
  const listener = {
    record(record: TrialRecord) {
      appendFileSync(join(o.out, 'trials.jsonl'), `${JSON.stringify(record)}\n`);
      done.set(record.id, record);
      if (!bar) log(`  ${done.size}/${trials.length} ${record.id}: ${record.status}`);
    },
    failure(message: string) {
      failures.push(message);
      if (!bar) log(`  ${message}`);
    },
    progress,
    stopped: () => interrupted,
  };
  process.once('SIGINT', onSigint);
  try {
    if (o.queue) await queueTrials(o.queue, key, process.cwd(), pending, listener);
    else await runLocally(pending, workers, children, listener);
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
  }
  if (interrupted)
    throw new UsageError(
      `sweep interrupted: ${done.size} of ${trials.length} trials done${o.queue ? ' (the workers go on with the rest)' : ''}; run the same command to continue`,
      EXIT.interrupted,
    );
  if (failures.length)
    throw new UsageError(`sweep: ${failures.length} trial(s) failed — ${failures[0]}; run the same command to retry them`, EXIT.badInput);
  log(`sweep: ${trials.length} trials done; lstm sweep report ${o.out} for the table`);
  return trials.map((t) => done.get(t.id)!);
}

/** The trials on this machine, `workers` processes at a time. */
async function runLocally(pending: Trial[], workers: number, children: Set<ChildProcess>, listener: QueueListener): Promise<void> {
  const queue = [...pending];
  let running = 0;
  const worker = async () => {
    for (let trial = queue.shift(); trial && !listener.stopped(); trial = queue.shift()) {
      running++;
      listener.progress(running, queue.length);
      const outcome = await runTrial(trial, children);
      running--;
      if (outcome.record) listener.record(outcome.record);
      else if (!listener.stopped()) listener.failure(`${trial.id}: ${outcome.error}`);
      listener.progress(running, queue.length);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
