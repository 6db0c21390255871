import { LSTM_VARIANTS } from '@lstm/core';
import { LIMITS, READOUTS } from '@lstm/layers';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { CELLS, OPTIMIZERS, SCHEDULES, TASKS } from './build.js';
import { report } from './errors.js';
import { integer, list, number, positive, probability } from './options.js';
import { train } from './train.js';
import { backends, evaluate, forecast, generate, info, predict } from './use.js';
import { exportCommand, importCommand } from './import.js';
import { VERSION } from './version.js';
import { addVizCommands } from './viz-commands.js';

const program = new Command('lstm')
  .description('Train, evaluate and use recurrent neural networks (LSTM, GRU, RNN) — exact to PyTorch, on the CPU by default.')
  .version(VERSION)
  .configureOutput({ outputError: (message, write) => write(`lstm: ${message.trim().replace(/\s*\n\s*/g, ' ')} (see lstm --help)\n`) })
  .exitOverride()
  .addHelpText(
    'after',
    '\nExit codes: 0 success, 1 bad input (file or data), 2 usage (options), 3 training diverged, 70 internal error (a bug), 130 interrupted (Ctrl-C).',
  );

const samplingPair = (value: string): [number, number] => {
  const parts = value.split(':').map(Number);
  if (parts.length !== 2 || !parts.every((p) => p >= 0 && p <= 1))
    throw new InvalidArgumentError('expected FROM:TO, two probabilities such as 0:0.25');
  return parts as [number, number];
};

program
  .command('train')
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
  .option('--out <dir>', 'output directory (default runs/<task>)')
  .option('--resume', 'continue the run saved in --out')
  .option('--force', 'overwrite a model already in --out')
  .option('--record <kinds>', 'record gates and/or gradients of a few validation sequences into DIR/recordings', list)
  .option('--record-every <n>', 'record every N epochs (and before the first, and at the last)', integer(), 1)
  .option('--record-samples <k>', 'validation sequences to record', integer(1, 256), 4)
  .option('--json', 'print one JSON summary at the end (stdout)')
  .option('--quiet', 'no progress output')
  .action((options, command) => train(options, (key) => command.getOptionValueSource(key as keyof typeof options)));

program
  .command('eval')
  .description("evaluate a model on its task's test split (rebuilt from the options stored with it)")
  .requiredOption('--model <file>', 'a model written by lstm train')
  .option('--data <file>', 'text/series: the data file, if not where training found it')
  .option('--backend <name>', 'compute backend', 'cpu')
  .option('--json', 'print JSON')
  .action((o) => evaluate(o.model, o));

program
  .command('predict')
  .description('run a model on sequences from a JSON file ([[x…] per step] or a list of them) or a CSV')
  .requiredOption('--model <file>', 'a model written by lstm train')
  .requiredOption('--input <file>', 'the input sequence(s)')
  .option('--raw', "print the head's outputs as they are (logits of a classifier)")
  .option('--backend <name>', 'compute backend', 'cpu')
  .option('--json', 'print JSON')
  .action((o) => predict(o.model, o.input, o));

program
  .command('generate')
  .description('sample text from a character model')
  .requiredOption('--model <file>', 'a model trained with --task text')
  .option('--prime <text>', 'text to start from')
  .option('--length <n>', 'characters to generate', integer(), 300)
  .option('--temperature <x>', 'sampling temperature (lower = safer)', positive, 0.8)
  .option('--top-k <n>', 'sample among the k likeliest characters only', integer())
  .option('--seed <n>', 'sampling seed', integer(0), 0)
  .option('--backend <name>', 'compute backend', 'cpu')
  .action((o) => generate(o.model, o));

program
  .command('forecast')
  .description("continue a series N steps beyond a CSV's last row")
  .requiredOption('--model <file>', 'a model trained with --task series')
  .option('--data <file>', 'CSV with the model’s column (default: the built-in CO₂ series, for a model trained on it)')
  .requiredOption('--horizon <n>', 'steps to forecast', integer())
  .option('--backend <name>', 'compute backend', 'cpu')
  .option('--json', 'print JSON')
  .action((o) => forecast(o.model, o.data, o));

program
  .command('info')
  .description('architecture, parameter count and PyTorch names and shapes of a model file')
  .argument('<file>', 'a .safetensors model')
  .option('--json', 'print JSON')
  .action((file: string, o: { json?: boolean }) => info(file, o.json ?? false));

program
  .command('import')
  .description('turn a PyTorch state dict (.safetensors), an ONNX model or a TF.js model.json into an @lstm model file')
  .argument('<file>', 'safetensors.torch.save_file(model.state_dict(), FILE), torch.onnx.export(…, FILE), or a TF.js model.json')
  .requiredOption('--out <file>', 'the model file to write (.safetensors)')
  .option('--prefix <p>', "module prefix of the recurrent layer, e.g. 'encoder.rnn.' (found when there is one)")
  .option('--head <p>', "prefix of the linear head, e.g. 'fc.' (found when there is one)")
  .addOption(new Option('--nonlinearity <f>', 'nn.RNN: its nonlinearity (not stored in a state dict)').choices(['tanh', 'relu']))
  .addOption(
    new Option(
      '--readout <r>',
      'what the head reads: h_n (last), out[:, -1] (last-output) or every step (all); ONNX: found in the graph',
    ).choices(READOUTS),
  )
  .addOption(new Option('--output <kind>', 'what the head predicts (found when it has one output)').choices(['classes', 'values'] as const))
  .option('--ignore <pattern...>', "tensors to leave out knowingly, by name or glob, e.g. 'embedding.*'")
  .option('--force', 'overwrite --out')
  .option('--json', 'print what was found as JSON')
  .action((file: string, o) => importCommand(file, o));

program
  .command('export')
  .description('write a model as ONNX (standard LSTM/GRU/RNN operators, opset 14) or as a TensorFlow.js layers model')
  .requiredOption('--model <file>', 'a model file')
  .option('--onnx <file>', 'the .onnx file to write')
  .option('--tfjs <dir>', 'the folder to write model.json and weights.bin into (tf.loadLayersModel reads them)')
  .option('--float32', "--onnx of a float64 model: round it to float32 (onnxruntime's LSTM runs float32 only)")
  .option('--force', 'overwrite what is there')
  .action((o) => exportCommand(o));

addVizCommands(program);

program
  .command('backends')
  .description('the compute backends available here')
  .option('--json', 'print JSON')
  .action((o: { json?: boolean }) => backends(o.json ?? false));

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => process.exit(report(error)),
);
