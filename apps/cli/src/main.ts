import { READOUTS } from '@lstm/layers';
import { Command, Option } from '@commander-js/extra-typings';
import { report } from './errors.js';
import { integer, positive } from './options.js';
import { train } from './train.js';
import { trainCommand } from './train-command.js';
import { backends, evaluate, forecast, generate, info, predict } from './use.js';
import { exportCommand, importCommand } from './import.js';
import { exitWithParent } from './trial.js';
import { VERSION } from './version.js';
import { addSweepCommands } from './sweep-commands.js';
import { addVizCommands } from './viz-commands.js';

const program = new Command('lstm')
  .description('Train, evaluate and use recurrent neural networks (LSTM, GRU, RNN) — exact to PyTorch, on the CPU by default.')
  .version(VERSION)
  .enablePositionalOptions() // a subcommand's options are its own (`lstm sweep report DIR --json`)
  .configureOutput({ outputError: (message, write) => write(`lstm: ${message.trim().replace(/\s*\n\s*/g, ' ')} (see lstm --help)\n`) })
  .exitOverride()
  .addHelpText(
    'after',
    '\nExit codes: 0 success, 1 bad input (file or data), 2 usage (options), 3 training diverged, 70 internal error (a bug), 130 interrupted (Ctrl-C).',
  );

program.addCommand(
  trainCommand()
    .copyInheritedSettings(program) // the program's one-line errors and exit codes, as .command() gives
    .action((options, command) => train(options, (key) => command.getOptionValueSource(key as keyof typeof options))),
);

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

addSweepCommands(program);
addVizCommands(program);

program
  .command('backends')
  .description('the compute backends available here')
  .option('--json', 'print JSON')
  .action((o: { json?: boolean }) => backends(o.json ?? false));

exitWithParent();
program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => process.exit(report(error)),
);
