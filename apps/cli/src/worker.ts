import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { type Job, Queue, WaitingError, Worker } from 'bullmq';
import { EXIT, UsageError } from './errors.js';
import { QUEUE_NAME, type TrialJob, connection, onConnectionError, reachQueue } from './queue.js';
import { TRIAL_FORMAT, type TrialRecord, runTrial } from './trial.js';
import { VERSION } from './version.js';

export interface WorkerOptions {
  queue: string;
  /** Trials at once, one `lstm train` process each (default: one per core). */
  concurrency?: number;
  /** How long a silent worker holds its trial before another takes it over (default 30 s). */
  stallSeconds?: number;
  /** Stop once the queue has nothing waiting, delayed or running (a Slurm array task); else run until stopped. */
  untilEmpty?: boolean;
  quiet?: boolean;
}

/** Why this worker cannot run a job — the job stays on the queue for one that can. */
function refusal(data: TrialJob): string | undefined {
  if (data.format !== TRIAL_FORMAT)
    return `trial ${data.trial?.id} is of format ${data.format} (lstm ${data.version}); this worker (lstm ${VERSION}) runs format ${TRIAL_FORMAT} — run workers of lstm ${data.version}`;
  if (!existsSync(data.cwd))
    return `trial ${data.trial.id} runs in ${data.cwd}, which this machine (${hostname()}) does not have — mount the sweep's shared folder at the same path`;
  return undefined;
}

/**
 * `lstm worker --queue redis://HOST:PORT`: takes trials off the sweep queue, runs each as its own
 * `lstm train` process in the shared folder and hands its record back through the queue. Killed,
 * its trials are taken over by another worker once their locks lapse (BullMQ's stalled jobs) and
 * resume from their checkpoints; stopped with Ctrl-C or SIGTERM, it puts them back at once.
 */
export async function worker(o: WorkerOptions): Promise<void> {
  await reachQueue(o.queue);
  const log = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  const stall = (o.stallSeconds ?? 30) * 1000;
  const children = new Set<ChildProcess>();
  let stopping = false;
  let refused: string | undefined;
  let returned = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const putBack = async (job: Job<TrialJob, TrialRecord>, token: string | undefined): Promise<never> => {
    await job.moveToWait(token);
    throw new WaitingError();
  };
  const runner = new Worker<TrialJob, TrialRecord>(
    QUEUE_NAME,
    async (job, token) => {
      const wrong = refusal(job.data);
      if (wrong || stopping) {
        refused ??= wrong;
        finish();
        return putBack(job, token);
      }
      log(`worker: ${job.data.trial.id} started`);
      const outcome = await runTrial(job.data.trial, children, job.data.cwd);
      if (stopping) {
        returned++;
        return putBack(job, token); // its checkpoint is saved; a worker resumes it
      }
      if (!outcome.record) throw new Error(outcome.error);
      log(`worker: ${job.data.trial.id} ${outcome.record.status} in ${outcome.record.seconds} s`);
      return outcome.record;
    },
    {
      connection: connection(o.queue),
      concurrency: o.concurrency ?? availableParallelism(),
      lockDuration: stall,
      stalledInterval: stall,
      maxStalledCount: 10,
    },
  );
  runner.on('error', onConnectionError('worker', o.queue)); // retried by BullMQ: a restarted Redis is waited for
  const stop = () => {
    stopping = true;
    for (const child of children) child.kill('SIGINT');
    finish();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log(`worker: taking trials from ${o.queue}, ${runner.opts.concurrency} at a time (lstm ${VERSION}, format ${TRIAL_FORMAT})`);
  let drained: NodeJS.Timeout | undefined;
  if (o.untilEmpty) {
    const queue = new Queue(QUEUE_NAME, { connection: connection(o.queue) });
    queue.on('error', () => {});
    const check = async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) finish();
      else drained = setTimeout(check, 1000);
    };
    drained = setTimeout(check, 1000);
    finished.finally(() => queue.close());
  }
  await finished;
  clearTimeout(drained);
  await runner.close();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (refused) throw new UsageError(`worker: ${refused}`, EXIT.usage);
  if (stopping)
    throw new UsageError(
      `worker stopped; ${returned} running trial(s) went back on the queue, to resume from their checkpoints`,
      EXIT.interrupted,
    );
  log('worker: the queue is empty; done');
}
