import { LSTM_VARIANTS } from '@lstm/core';
import { LIMITS } from '@lstm/layers';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { CELLS, OPTIMIZERS, SCHEDULES, TASKS } from './build.js';
import { integer, list, number, positive, probability } from './options.js';

const samplingPair = (value: string): [number, number] => {
  const parts = value.split(':').map(Number);
  if (parts.length !== 2 || !parts.every((p) => p >= 0 && p <= 1))
    throw new InvalidArgumentError('expected FROM:TO, two probabilities such as 0:0.25');
  return parts as [number, number];
};

/**
 * `lstm train`'s options, as one command definition: the program's `train`, and the parser that
 * `lstm sweep` checks each trial's options with (so a trial is exactly an `lstm train` command).
 */
export function trainCommand() {
  return new Command('train')
    .description('train a model on a task; writes DIR/model.safetensors and DIR/metrics.jsonl')
    .addOption(new Option('--task <name>', 'what to learn (required, except with --resume)').choices(TASKS))
    .option('--data <file>', 'text: a UTF-8 text file (default: State of the Union addresses); series: a CSV (default: Mauna Loa CO₂)')
    .option('--seq-len <n>', 'first-last/adding: sequence length; copy: the delay; series: the window', integer(2))
    .option('--classes <n>', 'first-last: classes, a square (4, 9, …); copy: alphabet size', integer(2))
    .option(
      '--noise <x>',
      'first-last: standard deviation of the noise steps',
      number((n) => n >= 0, 'a number ≥ 0'),
    )
    .addOption(new Option('--markers <kind>', 'first-last: how the first/last steps encode the class').choices(['levels', 'gaussian']))
    .option('--train-size <n>', 'training sequences (generated tasks)', integer())
    .option('--validation-size <n>', 'validation sequences (generated tasks)', integer())
    .option('--test-size <n>', 'test sequences (generated tasks)', integer())
    .option('--columns <a,b>', 'series: CSV columns to read', list)
    .option('--target <column>', 'series: the column to forecast')
    .option('--season <n>', 'series: season length of the seasonal-naive baseline', integer())
    .option('--max-chars <n>', 'text: use at most N characters', integer(100))
    .option('--sotu-from <year>', 'text: first year of the built-in corpus', integer(1790))
    .addOption(new Option('--cell <cell>', 'recurrent cell').choices(CELLS).default('lstm'))
    .option('--hidden <n>', 'hidden units per layer', integer(1, LIMITS.hiddenSize), 64)
    .option('--layers <n>', 'stacked layers', integer(1, LIMITS.numLayers), 1)
    .option('--bidirectional', 'read the sequence both ways (classification/regression)')
    .option('--dropout <p>', 'dropout between stacked layers', probability)
    .addOption(
      new Option(
        '--variant <name>',
        "LSTM variant: Greff et al.'s nig nfg nog niaf noaf np cifg fgr (each vanilla = peephole with one change)",
      ).choices(Object.keys(LSTM_VARIANTS)),
    )
    .option('--pin <gate=value...>', 'LSTM: hold a gate at a constant instead of learning it, e.g. --pin f=1 (i, f or o; value in [0, 1])')
    .option('--forget-bias <x>', 'LSTM: initial forget-gate bias', number())
    .option('--epochs <n>', 'epochs', integer(), 10)
    .option('--batch-size <n>', 'minibatch size (text: parallel streams)', integer(), 32)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--lr <x>', 'learning rate', positive, 1e-3)
    .option(
      '--weight-decay <x>',
      'weight decay (L2; decoupled for adamw)',
      number((n) => n >= 0, 'a number ≥ 0'),
    )
    .option('--momentum <x>', 'momentum (momentum, nesterov, rmsprop)', probability)
    .addOption(new Option('--schedule <kind>', 'learning-rate schedule (step is implied by --step-size)').choices(SCHEDULES))
    .option('--step-size <n>', 'step schedule: epochs between decays', integer())
    .option('--gamma <x>', 'step/exponential: decay factor; plateau: reduction factor', positive)
    .option('--clip <x>', 'clip the global gradient norm at X', positive)
    .option('--clip-value <x>', 'clamp every gradient element to ±X', positive)
    .option('--patience <n>', 'stop after N epochs without a better validation score', integer())
    .option('--bptt <n>', 'text: steps per truncated-BPTT chunk', integer(), 64)
    .option('--scheduled-sampling <from:to>', 'text: probability of feeding back predictions, ramped over the epochs', samplingPair)
    .option('--seed <n>', 'seed of data, initialisation, dropout and shuffling', integer(0), 0)
    .option('--backend <name>', 'compute backend (see lstm backends)', 'cpu')
    .option('--threads <n>', 'cpu and wasm backends: threads (wasm: up to 16)', integer(1, 64), 1)
    .option('--fma', 'wasm backend: fused multiply-add where the runtime has relaxed SIMD (faster; last bits differ between machines)')
    .option('--out <dir>', 'output directory (default runs/<task>)')
    .option('--resume', 'continue the run saved in --out')
    .option('--force', 'overwrite a model already in --out')
    .option('--record <kinds>', 'record gates and/or gradients of a few validation sequences into DIR/recordings', list)
    .option('--record-every <n>', 'record every N epochs (and before the first, and at the last)', integer(), 1)
    .option('--record-samples <k>', 'validation sequences to record', integer(1, 256), 4)
    .option('--json', 'print one JSON summary at the end (stdout)')
    .option('--quiet', 'no progress output');
}
