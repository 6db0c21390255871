import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { EXIT, UsageError } from './errors.js';
import type { Trial } from './sweep-spec.js';
import { TRIAL_FORMAT, type TrialRecord } from './trial.js';
import { VERSION } from './version.js';

/**
 * Sweeps on many machines (issue 24): `lstm sweep --queue redis://HOST:PORT` puts its trials on
 * this BullMQ queue and `lstm worker --queue …` anywhere takes them. The queue is the engine —
 * who runs what, a dead worker's trial taken over (BullMQ's stalled jobs), each job finished once.
 */
export const QUEUE_NAME = 'lstm-trials';

/** A trial on the queue: versioned like a record, with the folder the sweep was started in. */
export interface TrialJob {
  format: number;
  version: string;
  /** Where the sweep was started: the trial's relative paths (its --out, its data files) start there. */
  cwd: string;
  trial: Trial;
}

/** --queue's address checked: redis://HOST:PORT, optionally /DB (rediss:// for TLS). */
export function queueUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${url}: not an address; give redis://HOST:PORT (the Redis the workers share)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new UsageError(`--queue ${url}: only Redis queues are supported; give redis://HOST:PORT`);
  return url;
}

/** BullMQ's connection: commands wait through a Redis restart rather than fail. */
export const connection = (url: string) => ({ url, maxRetriesPerRequest: null });

/**
 * What a sweep or worker says when its connection drops (at most once every 30 s): it waits for
 * Redis to come back rather than fail, and says so rather than sit silent.
 */
export function onConnectionError(who: string, url: string): (error: Error & { code?: string }) => void {
  let said = 0;
  return (error) => {
    if (Date.now() - said < 30_000) return;
    said = Date.now();
    process.stderr.write(`${who}: lost the queue at ${url} (${error.code ?? error.message}); waiting for it to come back — Ctrl-C stops\n`);
  };
}

/**
 * Connects once, failing fast in one line where nothing answers; the connections BullMQ then
 * opens reconnect on their own (a Redis restarted mid-sweep is waited for, not an error).
 */
export async function reachQueue(url: string): Promise<void> {
  const probe = new Redis(queueUrl(url), {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // what the socket said (connect() itself only says the connection closed)
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = (cause ?? error) as Error & { code?: string };
    const why = reason.code ?? reason.message;
    throw new UsageError(
      `--queue ${url}: cannot reach Redis (${why}); start redis-server there or give the address it listens on`,
      EXIT.badInput,
    );
  } finally {
    probe.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the sweep hears back from the queue while it waits. */
export interface QueueListener {
  record(record: TrialRecord): void;
  failure(message: string): void;
  progress(running: number, left: number): void;
  stopped(): boolean;
}

/**
 * Puts `trials` on the queue (a job's id is the sweep's key and the trial's id, so adding it again —
 * a sweep run twice — is a no-op, and a trial is counted once) and waits for them, handing each
 * finished trial's record to the listener. A job that failed in an earlier run is tried again. The
 * caller has checked that the queue answers (`reachQueue`).
 */
export async function queueTrials(url: string, key: string, cwd: string, trials: Trial[], listener: QueueListener): Promise<void> {
  const queue = new Queue<TrialJob, TrialRecord>(QUEUE_NAME, { connection: connection(url) });
  queue.on('error', onConnectionError('sweep', url)); // retried by BullMQ; the loop below waits for it
  const jobId = (trial: Trial) => `${key}.${trial.id}`.replaceAll(':', '%3A');
  try {
    // A job that failed in an earlier run of the sweep is tried again; the others are added (once).
    await Promise.all(
      trials.map(
        async (trial) => (await queue.getJobState(jobId(trial))) === 'failed' && (await Job.fromId(queue, jobId(trial)))?.retry('failed'),
      ),
    );
    const add = (list: Trial[]) =>
      queue.addBulk(
        list.map((trial) => ({
          name: trial.id,
          data: { format: TRIAL_FORMAT, version: VERSION, cwd, trial },
          opts: { jobId: jobId(trial), removeOnComplete: false, removeOnFail: false },
        })),
      );
    await add(trials);
    const left = new Map(trials.map((trial) => [jobId(trial), trial]));
    while (left.size && !listener.stopped()) {
      const states = await Promise.all([...left.keys()].map(async (id) => [id, await queue.getJobState(id)] as const));
      const running = states.filter(([, state]) => state === 'active').length;
      const lost = states.filter(([, state]) => state === 'unknown').map(([id]) => left.get(id)!); // someone emptied the queue
      for (const [id, state] of states) {
        if (state !== 'completed' && state !== 'failed') continue;
        const trial = left.get(id)!;
        left.delete(id);
        const job = await Job.fromId<TrialJob, TrialRecord>(queue, id);
        const record = job?.returnvalue;
        if (state === 'failed') listener.failure(`${trial.id}: ${job?.failedReason}`);
        else if (record?.format !== TRIAL_FORMAT)
          listener.failure(`${trial.id}: its worker returned a record of format ${record?.format}; run workers of lstm ${VERSION}`);
        else listener.record(record);
      }
      if (lost.length) await add(lost);
      listener.progress(running, left.size - running);
      if (left.size) await sleep(500);
    }
  } finally {
    await queue.close();
  }
}
