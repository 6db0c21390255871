import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { wasmBuild } from '@lstm/backend-wasm';
import { encodeModel, encodeSafetensors, parameterCount } from '@lstm/layers';
import {
  DivergedError,
  InterruptedError,
  Trainer,
  recordingTensors,
  type AnyTask,
  type EpochRecord,
  type FitResult,
  type Progress,
  type TrainerOptions,
} from '@lstm/tasks';
import { ensureDirectory, loadCheckpoint, saveCheckpoint, writeFileAtomic } from '@lstm/tasks/node';
import {
  TASKS,
  buildModel,
  buildOptimizer,
  buildTask,
  selectBackend,
  type ModelOptions,
  type OptimOptions,
  type TaskOptions,
} from './build.js';
import { Interrupted, UsageError } from './errors.js';
import { assertFitsInMemory } from './memory.js';
import { resumeOptions, type OptionSource } from './resume.js';
import { VERSION } from './version.js';

/** `lstm train`'s options as parsed (`task` may come from the checkpoint with --resume). */
export interface TrainOptions extends Omit<TaskOptions, 'task'>, ModelOptions, OptimOptions {
  task?: TaskOptions['task'];
  batchSize: number;
  clip?: number;
  clipValue?: number;
  patience?: number;
  bptt?: number;
  scheduledSampling?: [number, number];
  backend?: string;
  threads?: number;
  fma?: boolean;
  out?: string;
  json?: boolean;
  resume?: boolean;
  force?: boolean;
  quiet?: boolean;
  record?: string[];
  recordEvery?: number;
  recordSamples?: number;
}

const percent = (v: number | undefined) => (v === undefined ? '' : `${(v * 100).toFixed(1)}%`);
const fixed = (v: number | undefined, digits = 4) => (v === undefined ? '' : v.toFixed(digits));

/**
 * What the per-epoch line and the final summary show for each kind of task: the validation
 * metric that chooses the best epoch comes first after the loss, and the best epoch is marked.
 */
function headline(task: AnyTask, r: EpochRecord, markBest = true): string {
  const parts = [`epoch ${String(r.epoch).padStart(3)}`, `loss ${fixed(r.train_loss)} train / ${fixed(r.validation_loss)} val`];
  if (task.objective === 'regression') parts.push(`test rmse ${fixed(r.test_rmse)}`, `mae ${fixed(r.test_mae)}`);
  else if (task.objective === 'language-model') parts.push(`test bpc ${fixed(r.test_bpc, 3)}`, `acc ${percent(r.test_accuracy)}`);
  else parts.push(`acc ${percent(r.train_accuracy)} train / ${percent(r.validation_accuracy)} val / ${percent(r.test_accuracy)} test`);
  parts.push(`lr ${r.lr.toPrecision(3)}`, `|g| ${fixed(r.grad_norm, 3)}`, `${r.seconds.toFixed(1)} s`);
  if (markBest && r.best_epoch === r.epoch) parts.push(`best so far (${task.objective === 'classification' ? 'val acc' : 'val loss'})`);
  return parts.join('  ');
}

/** A task's baselines for the log: accuracies in percent, errors as numbers. */
function baselineLine(baselines: Record<string, number>): string {
  const shown = Object.entries(baselines).map(([k, v]) => (k.endsWith('accuracy') ? `${k} ${percent(v)}` : `${k} ${v.toFixed(4)}`));
  return `baselines (test): ${shown.join(', ')}`;
}

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.max(0, Math.round(seconds));
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/**
 * The terminal's progress bar: one bar per epoch, from its first batch (drawn with its values,
 * never the template) until the epoch's line replaces it, with the ETA of the whole run.
 */
function progressBar(): { update: (p: Progress) => void; stop: () => void } {
  const bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | run ETA {runEta} | loss {loss}{metric}',
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  });
  let running = false;
  return {
    update: (p) => {
      const payload = {
        epoch: p.epoch,
        epochs: p.epochs,
        runEta: clock(p.eta),
        loss: p.loss.toFixed(4),
        metric: p.accuracy === undefined ? '' : ` | acc ${percent(p.accuracy)}`,
      };
      if (!running) {
        bar.start(p.batches, p.batch, payload);
        running = true;
      } else bar.update(p.batch, payload);
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** Metadata a model file needs to be used on its own: the task and how to encode / decode data. */
function taskMetadata(task: AnyTask, o: TaskOptions): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    task: { ...task.config, options: { ...o } },
    output: task.objective === 'regression' ? 'values' : 'classes',
  };
  if (task.objective === 'language-model') meta.vocabulary = task.vocabulary;
  if ('scaling' in task) meta.scaling = task.scaling;
  return meta;
}

/**
 * `--record gates,gradients`: each recorded epoch becomes DIR/recordings/epoch-NNNN.safetensors
 * (float32 tensors [samples, steps, width] per layer, written atomically; one file per epoch, so
 * a crash never touches the earlier ones, and PyTorch or NumPy read them as they are).
 */
function recorder(o: TrainOptions, out: string): TrainerOptions['record'] {
  if (!o.record) return undefined;
  const directory = join(out, 'recordings');
  ensureDirectory(directory);
  return {
    gates: o.record.includes('gates'),
    gradients: o.record.includes('gradients'),
    every: o.recordEvery,
    samples: o.recordSamples,
    onRecord: (recording) => {
      const { tensors, metadata } = recordingTensors(recording);
      writeFileAtomic(
        join(directory, `epoch-${String(recording.epoch).padStart(4, '0')}.safetensors`),
        encodeSafetensors(tensors, metadata),
      );
    },
  };
}

export async function train(given: TrainOptions, source: OptionSource = () => undefined): Promise<void> {
  if (given.resume && given.force) throw new UsageError('--resume continues a run and --force starts over; choose one');
  if (!given.resume && !given.task)
    throw new UsageError(`--task <name> is required: one of ${TASKS.join(', ')} (or continue a run with --resume --out DIR)`);
  if (given.resume && !given.out && !given.task) throw new UsageError('--resume needs --out DIR, the folder of the run to continue');
  const out = given.out ?? join('runs', given.task ?? '');
  const modelPath = join(out, 'model.safetensors');
  if (!given.resume && !given.force && existsSync(modelPath)) {
    throw new UsageError(
      `${out} already holds a model; pass --resume to continue that run, --force to overwrite it, or choose another --out`,
    );
  }
  const unknownRecord = (given.record ?? []).filter((kind) => kind !== 'gates' && kind !== 'gradients');
  if (unknownRecord.length) throw new UsageError(`--record ${unknownRecord.join(',')}: record gates, gradients or both`);
  const backend = await selectBackend(given.backend, given.threads, { asyncReads: true, fma: given.fma });
  const resumed = given.resume ? loadCheckpoint(out) : undefined;
  const o = resumeOptions(given, resumed?.run.options as Partial<TrainOptions> | undefined, source, out);
  if (!o.task) throw new UsageError(`--task <name> is required: one of ${TASKS.join(', ')}`);
  const taskName = o.task;
  assertFitsInMemory(o);
  const log = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  if (given.fma && !wasmBuild(backend).fma)
    log('--fma: this runtime has no relaxed SIMD (Node ≥ 22 and current Chrome and Firefox do); training on the plain SIMD build');
  const taskOptions: TaskOptions = {
    task: taskName,
    data: o.data,
    seqLen: o.seqLen,
    classes: o.classes,
    noise: o.noise,
    markers: o.markers,
    trainSize: o.trainSize,
    validationSize: o.validationSize,
    testSize: o.testSize,
    columns: o.columns,
    target: o.target,
    season: o.season,
    maxChars: o.maxChars,
    sotuFrom: o.sotuFrom,
    seed: o.seed,
  };
  const metricLines = resumed ? resumed.state.history.map((r) => JSON.stringify(r)) : [];
  const task = buildTask(taskOptions);
  const model = resumed?.model ?? buildModel(task, o);
  const { optimizer, schedule } = buildOptimizer(model, o);
  // Everything is accepted: only now does the run get its folder.
  ensureDirectory(out);
  const bar = !o.quiet && process.stderr.isTTY ? progressBar() : null;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  // How the run evaluated (text: rows and chunk length change the numbers): lstm eval does the same.
  const evaluation = { batch_size: o.batchSize ?? 32, bptt: o.bptt ?? 64 };
  const trainer = new Trainer(model, task, {
    epochs: o.epochs,
    optimizer,
    schedule,
    batchSize: o.batchSize,
    clip: o.clip,
    clipValue: o.clipValue,
    seed: o.seed,
    patience: o.patience,
    bptt: o.bptt,
    scheduledSampling: o.scheduledSampling ? { from: o.scheduledSampling[0], to: o.scheduledSampling[1] } : undefined,
    record: recorder(o, out),
    onProgress: bar?.update,
    signal: interrupt.signal,
    onEpoch: (record, t) => {
      metricLines.push(JSON.stringify(record));
      writeFileAtomic(join(out, 'metrics.jsonl'), `${metricLines.join('\n')}\n`);
      if (t.best?.epoch === record.epoch)
        writeFileAtomic(
          modelPath,
          encodeModel(model, { ...taskMetadata(task, taskOptions), training: { best_epoch: record.epoch, ...evaluation } }, VERSION),
        );
      saveCheckpoint(out, t, { options: o }, VERSION);
      bar?.stop();
      log(headline(task, record));
    },
  });
  if (resumed) {
    trainer.loadState(resumed.state);
    if (trainer.epochsDone >= o.epochs)
      throw new UsageError(`the run in ${out} already finished ${trainer.epochsDone} epochs; raise --epochs to train further`);
    log(`resuming ${out} after epoch ${trainer.epochsDone}`);
  }
  const parameters = parameterCount(model);
  const baselines = task.objective === 'language-model' ? undefined : task.baselines;
  log(
    `${o.task}: ${task.objective}, ${task.objective === 'language-model' ? `${task.train.length} training characters` : `${task.train.size} train sequences of ${task.steps} steps`}; ` +
      `${o.cell}, hidden ${o.hidden} × ${o.layers} layer(s), ${parameters.toLocaleString('en-US')} parameters; ${o.optimizer} lr ${o.lr}`,
  );
  if (baselines) log(baselineLine(baselines));
  let result: FitResult;
  process.once('SIGINT', onSigint);
  try {
    result = await trainer.fit();
  } catch (error) {
    bar?.stop();
    if (error instanceof InterruptedError) throw new Interrupted(error.epochsDone, out);
    if (!(error instanceof DivergedError)) throw error;
    // The trainer has put the last good weights back: keep them on disk, whichever epoch it was.
    if (trainer.epochsDone === 0) {
      writeFileAtomic(
        modelPath,
        encodeModel(model, { ...taskMetadata(task, taskOptions), training: { best_epoch: 0, ...evaluation } }, VERSION),
      );
    }
    const saved = trainer.epochsDone === 0 ? 'the initial weights' : `the best of its ${trainer.epochsDone} epoch(s)`;
    throw new DivergedError(`${error.message} (${saved}: ${modelPath})`);
  } finally {
    process.off('SIGINT', onSigint);
  }
  bar?.stop();
  const last = result.history.at(-1)!;
  const best = result.best!.metrics;
  const summary: Record<string, unknown> = {
    task: o.task,
    cell: o.cell,
    parameters,
    epochs: result.history.length,
    best_epoch: result.best!.epoch,
    stopped_early: result.stoppedEarly,
  };
  for (const [k, v] of Object.entries(best)) if (k.startsWith('test_') || k.startsWith('validation_')) summary[`best_${k}`] = v;
  for (const [k, v] of Object.entries(last)) if (k.startsWith('test_') || k.startsWith('train_')) summary[`final_${k}`] = v;
  if (baselines) summary.baselines = baselines;
  summary.model = modelPath;
  summary.metrics = join(out, 'metrics.jsonl');
  // The file already holds the best epoch; write it once more with the run's summary.
  writeFileAtomic(modelPath, encodeModel(model, { ...taskMetadata(task, taskOptions), training: { ...summary, ...evaluation } }, VERSION));
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    log(
      `best epoch ${result.best!.epoch}${result.stoppedEarly ? ' (stopped early)' : ''}: ${headline(task, result.best!.metrics as EpochRecord, false)}`,
    );
    log(`model: ${modelPath}   metrics: ${join(out, 'metrics.jsonl')}`);
  }
}
