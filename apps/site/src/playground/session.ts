import { decodeModel, encodeModel, parameterCount, type SequenceModel } from '@lstm/layers';
import { prefetch } from '@lstm/core';
import { Adam } from '@lstm/optim';
import { Trainer, type AnyTask, type EpochRecord, type Progress } from '@lstm/tasks';
import layersPackage from '@lstm/layers/package.json';
import { buildModel, buildTask, checkText, configOfModel, sourceText, taskOptionsOf, type TaskOptions } from './build.js';
import { ConfigError, validateConfig, type PlaygroundConfig } from './config.js';
import type { CurvePoint, EpochSummary, TaskInfo } from './protocol.js';

/** Long enough for any run a page asks for; the session stops it epoch by epoch. */
const UNBOUNDED = 1_000_000;

/**
 * One run of the playground: a task, a model, Adam and a Trainer, advanced one epoch at a time so
 * the worker can pause between epochs. Everything is built before anything is replaced, so a
 * configuration or a model file that fails leaves the current run as it was.
 */
export class Session {
  readonly history: EpochSummary[] = [];

  private constructor(
    readonly config: PlaygroundConfig,
    readonly taskOptions: TaskOptions,
    readonly task: AnyTask,
    readonly model: SequenceModel,
    readonly trainer: Trainer,
    /** The text of a text task (stored nowhere else: the URL keeps only 'builtin' or 'custom'). */
    readonly source: string,
  ) {}

  /** A fresh run of a configuration, on the active backend. */
  static create(config: PlaygroundConfig, custom?: string): Session {
    const { options, task, source } = Session.taskOf(config, custom);
    return Session.assemble(config, options, task, buildModel(config, task), source);
  }

  /** The task a configuration trains on (checked first), and the text of a text task. */
  static taskOf(config: PlaygroundConfig, custom?: string): { options: TaskOptions; task: AnyTask; source: string } {
    validateConfig(config);
    const source = config.task === 'text' ? sourceText(config, custom) : '';
    if (config.task === 'text') checkText(source, config.seqLen);
    const options = taskOptionsOf(config);
    return { options, task: buildTask(options, source), source };
  }

  /** A run continuing from a model file (`lstm train`'s or the page's), on the task stored with it. */
  static load(bytes: Uint8Array, name: string, current: PlaygroundConfig, custom?: string): Session {
    const file = decodeModel(bytes, name);
    const config = configOfModel(file, current, name, custom !== undefined && custom.trim() !== '');
    const options = (file.metadata.task as { options?: TaskOptions } | undefined)?.options ?? taskOptionsOf(config);
    const source = config.task === 'text' ? sourceText(config, custom) : '';
    const task = buildTask({ ...options, task: config.task }, source);
    if (task.inputSize !== file.architecture.inputSize || task.outputSize !== file.architecture.outputSize) {
      const vocabulary = file.metadata.vocabulary as string[] | undefined;
      throw new ConfigError(
        config.task === 'text'
          ? `${name} was trained on text with ${vocabulary?.length ?? file.architecture.inputSize} distinct characters, this text has ${task.inputSize}: paste the text it was trained on`
          : `${name} expects ${file.architecture.inputSize} inputs and ${file.architecture.outputSize} outputs, its task gives ${task.inputSize} and ${task.outputSize}`,
      );
    }
    if (config.task === 'text') {
      const stored = file.metadata.vocabulary;
      const vocabulary = (task as { vocabulary: string[] }).vocabulary;
      if (Array.isArray(stored) && stored.join('') !== vocabulary.join(''))
        throw new ConfigError(
          `${name} was trained on other text (its characters differ from this text's): paste the text it was trained on`,
        );
    }
    return Session.assemble(config, { ...options, task: config.task }, task, file.model, source);
  }

  private static assemble(config: PlaygroundConfig, options: TaskOptions, task: AnyTask, model: SequenceModel, source: string): Session {
    const trainer = new Trainer(model, task, {
      epochs: UNBOUNDED,
      optimizer: new Adam(model.parameters(), { lr: config.lr }),
      clip: config.clip > 0 ? config.clip : undefined,
      seed: config.seed,
      restoreBest: false,
      bptt: config.task === 'text' ? config.seqLen : undefined,
      batchSize: config.task === 'text' ? 16 : 32,
    });
    return new Session(config, options, task, model, trainer, source);
  }

  get epochsDone(): number {
    return this.trainer.epochsDone;
  }

  /** Learning rate and clipping act from the next step on, and the epoch budget at once, without a reset. */
  setLive(lr: number, clip: number, epochs: number): void {
    validateConfig({ ...this.config, lr, clip, epochs });
    this.config.epochs = epochs;
    this.trainer.options.optimizer.lr = lr;
    this.trainer.options.clip = clip > 0 ? clip : undefined;
    this.config.lr = lr;
    this.config.clip = clip;
  }

  /** Trains one epoch, reporting running means after every batch. */
  async epoch(onProgress: (point: CurvePoint, progress: Progress) => void): Promise<EpochSummary> {
    const done = this.trainer.epochsDone;
    this.trainer.options.epochs = done + 1;
    this.trainer.options.onProgress = (p) =>
      onProgress({ x: done + p.batch / p.batches, loss: p.loss, accuracy: p.accuracy === undefined ? undefined : p.accuracy }, p);
    const { history } = await this.trainer.fit();
    const summary = summaryOf(history.at(-1)!);
    this.history.push(summary);
    return summary;
  }

  info(): TaskInfo {
    const task = this.task;
    const language = task.objective === 'language-model';
    const baseline = language
      ? `uniform guessing: loss ${Math.log(task.vocabulary.length).toFixed(2)}`
      : task.baselines
        ? Object.entries(task.baselines)
            .map(([k, v]) => `${k} ${v.toFixed(4)}`)
            .join(', ')
        : task.name === 'first-last'
          ? 'chance 25 %, the last step alone 50 %'
          : `chance ${(100 / task.outputSize).toFixed(1)} %`;
    return {
      name: task.name,
      objective: task.objective,
      steps: language ? this.config.seqLen : task.steps,
      inputSize: task.inputSize,
      outputSize: task.outputSize,
      testCount: language ? Math.max(1, Math.floor(task.test.length / this.config.seqLen) - 1) : task.test.size,
      vocabulary: language ? task.vocabulary : undefined,
      parameters: parameterCount(this.model),
      baseline,
    };
  }

  /** The model as a `.safetensors` file, with what `lstm eval` needs to rebuild its task. */
  async exportModel(): Promise<Uint8Array> {
    await prefetch(this.model.parameters().map((p) => p.value)); // WebGPU: the weights to the host first
    const last = this.history.at(-1);
    const metadata: Record<string, unknown> = {
      task: { ...this.task.config, options: { ...this.taskOptions } },
      training: {
        // The weights as they are now (the page keeps training them): the epoch they come from, not a best one.
        epochs: this.epochsDone,
        ...(last?.testAccuracy !== undefined ? { test_accuracy: last.testAccuracy } : {}),
        // How the page evaluated (text: rows and chunk length change the numbers), for lstm eval.
        batch_size: this.trainer.batchSize,
        bptt: this.trainer.options.bptt ?? 64,
      },
    };
    if (this.task.objective === 'language-model') metadata.vocabulary = this.task.vocabulary;
    return encodeModel(this.model, metadata, layersPackage.version);
  }
}

function summaryOf(r: EpochRecord): EpochSummary {
  return {
    epoch: r.epoch,
    trainLoss: r.train_loss!,
    validationLoss: r.validation_loss!,
    testLoss: r.test_loss!,
    trainAccuracy: r.train_accuracy,
    validationAccuracy: r.validation_accuracy,
    testAccuracy: r.test_accuracy,
    gradNorm: r.grad_norm,
    seconds: r.seconds,
  };
}
