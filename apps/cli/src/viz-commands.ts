import { LIMITS } from '@lstm/layers';
import type { Command } from '@commander-js/extra-typings';
import { integer, list, number, positive } from './options.js';
import { vizGates } from './viz.js';
import { vizCurves } from './viz-curves.js';
import { vizConnectivity, vizHistograms } from './viz-run.js';
import { vizReport } from './viz-report.js';
import { vizTrace } from './viz-trace.js';
import { vizDecay, vizForgetHeatmap, vizGradflow, vizRetention } from './viz-gradients.js';
import { vizExplode } from './viz-explode.js';
import { vizCell } from './viz-cell.js';

/** `lstm viz …`: every figure command, on the program main.ts builds. */
export function addVizCommands(program: Command): void {
  const viz = program
    .command('viz')
    .description('pictures of a model or a run: gate heatmaps, learning curves (SVG, PNG or a terminal preview)');

  /** A `lstm viz` figure command with the options every figure shares: --out, --json (and --backend). */
  function figure(name: string, description: string, options: { preview?: string; backend?: boolean } = {}): Command {
    const command = viz
      .command(name)
      .description(description)
      .option('--out <file>', `write FILE.svg or FILE.png (default: ${options.preview ?? 'a preview in the terminal'})`)
      .option('--json', 'print the numbers behind the picture');
    return options.backend === false ? command : command.option('--backend <name>', 'compute backend', 'cpu');
  }

  figure(
    'gates',
    "gates (PyTorch's order), cell state and hidden state of one layer over one test sequence of the model's task (E1's figure)",
  )
    .requiredOption('--model <file>', 'an LSTM or GRU model written by lstm train')
    .option('--layer <n>', 'layer, from 1', integer(1, LIMITS.numLayers), 1)
    .option('--units <n>', 'units to show (default 8)', integer(1, LIMITS.hiddenSize))
    .option('--sample <i>', 'which test sequence, from 0', integer(0), 0)
    .option('--input <file>', 'a sequence of your own instead (JSON [[x…], …] or CSV, as lstm predict reads)')
    .option('--gates <list>', 'which panels, e.g. f,c (LSTM: i f g o c h; coupled: f g o c h; GRU: r z n h; default all)', list)
    .action((o) => vizGates(o));

  figure('cell', 'the diagram of a cell (or of a stack unrolled in time); with --model and --step, the x-ray of one real step', {
    preview: "the cell's equations, or the x-ray's values",
  })
    .option(
      '--cell <kind>',
      "lstm, peephole, coupled, gru, rnn, or an LSTM variant of Greff et al.'s: nig nfg nog niaf noaf cifg fgr",
      'lstm',
    )
    .option('--layers <n>', 'draw a stack of n layers unrolled in time', integer(1, LIMITS.numLayers))
    .option('--bidirectional', 'draw the stack bidirectional')
    .option('--model <file>', 'x-ray a model written by lstm train (its own cell)')
    .option('--step <t>', 'the step to x-ray, from 1 (default: the last)', integer(1))
    .option('--units <list>', 'units whose values to show, from 1 (default 1)', (v: string) =>
      v.split(',').map((x) => integer(1, LIMITS.hiddenSize)(x)),
    )
    .option('--layer <n>', 'layer, from 1', integer(1, LIMITS.numLayers), 1)
    .option('--sample <i>', 'which test sequence, from 0', integer(0), 0)
    .option('--input <file>', 'a sequence of your own instead (JSON or CSV)')
    .action((o) => vizCell(o));

  figure('gradflow', '‖∂L/∂x_t‖ (and ‖∂L/∂c_t‖) at every step for L = Σ h_T, per cell, with preservation metrics (E2c–d)')
    .option('--cells <list>', 'cells to compare: rnn, lstm, peephole, coupled, gru', list, ['rnn', 'lstm', 'gru'])
    .option('--seq-len <n>', 'steps', integer(2, 100_000), 50)
    .option('--hidden <n>', 'hidden units', integer(1, LIMITS.hiddenSize), 64)
    .option('--input-size <n>', 'input features', integer(1, LIMITS.inputSize), 16)
    .option('--forget-bias <x>', 'LSTM: initial forget-gate bias (default: PyTorch initialisation)', number())
    .option('--model <file>', 'use a trained model instead of untrained cells')
    .option('--seed <n>', 'seed of the weights and the input noise', integer(0), 0)
    .action((o) => vizGradflow(o));

  figure('forget-heatmap', 'forget gates of an untrained LSTM over noise: they cluster around 0.5 (E2b)')
    .option('--hidden <n>', 'hidden units', integer(1, LIMITS.hiddenSize), 32)
    .option('--seq-len <n>', 'steps', integer(1, 100_000), 50)
    .option('--input-size <n>', 'input features', integer(1, LIMITS.inputSize), 16)
    .option('--seed <n>', 'seed of the weights and the input noise', integer(0), 0)
    .action((o) => vizForgetHeatmap(o));

  figure('explode', 'gradient norm of an LSTM as its recurrent weights grow, and over training with and without clipping (E2e)')
    .option('--scale <x>', 'factor on the recurrent weights while training', positive, 6)
    .option('--train-steps <n>', 'SGD steps of each training run', integer(1, 10_000), 40)
    .option('--clip <x>', 'clipping threshold of the clipped run', positive, 1)
    .option('--lr <x>', 'SGD learning rate', positive, 0.1)
    .option('--hidden <n>', 'hidden units', integer(1, LIMITS.hiddenSize), 64)
    .option('--seq-len <n>', 'steps', integer(1, 100_000), 100)
    .option('--input-size <n>', 'input features', integer(1, LIMITS.inputSize), 32)
    .option('--seed <n>', 'seed of the weights, the input and the target', integer(0), 0)
    .action((o) => vizExplode(o));

  figure('retention', "f^k against the forget value f for several horizons k: memory and gradient kept alike (article A3's trade-off)", {
    backend: false,
  })
    .option(
      '--horizons <list>',
      'steps k, comma-separated',
      (v: string) => v.split(',').map((x) => integer(1, 100_000)(x)),
      [10, 50, 100, 500],
    )
    .action((o) => vizRetention(o));

  figure('decay', '0.585^t against f^t for forget gates f = 0.9, 0.95, 0.99 (E2a)', { backend: false })
    .option('--steps <n>', 'steps back', integer(1, 10_000), 100)
    .action((o) => vizDecay(o));

  figure(
    'histograms',
    'histograms of |∂L/∂h_t| and |∂L/∂c_t| for each step back from the last: recorded epochs × layers, zeros counted apart (E3)',
    {
      preview: 'a summary in the terminal',
      backend: false,
    },
  )
    .requiredOption('--run <dir>', 'a run folder trained with --record gradients')
    .option('--compare <dir>', 'a second recorded run to draw beneath it (e.g. an RNN)')
    .option('--layer <n>', 'one layer, from 1 (default: every layer)', integer(1, LIMITS.numLayers))
    .option('--steps <n>', 'steps back from the last', integer(1, 100_000), 25)
    .action((o) => vizHistograms(o));

  viz
    .command('report')
    .description('one self-contained HTML page of a run: configuration, curves, recorded gates and gradients')
    .requiredOption('--run <dir>', 'a run folder written by lstm train')
    .option('--out <file>', 'the .html file (default DIR/report.html)')
    .action((o) => vizReport(o));

  figure('connectivity', "how much a character model's next prediction depends on each earlier character (E3)")
    .requiredOption('--model <file>', 'a model trained with --task text')
    .requiredOption('--text <text>', 'the input text')
    .option('--position <p>', 'predict after this character, from 0 (default: the last)', integer(0))
    .option('--compare <file>', 'a second text model to show beside it (e.g. an RNN)')
    .action((o) => vizConnectivity(o));

  figure('trace', "spec §4.5's worked three-step cell trace, computed by the backend's kernels, as a table and a figure (E2f)", {
    preview: 'the numbers in the terminal',
  }).action((o) => vizTrace(o));

  viz
    .command('curves')
    .description(
      'learning curves from metrics.jsonl of one or more runs: a colour per run, a dash per split, kept epochs and baselines marked',
    )
    .requiredOption(
      '--run <dir>',
      'a run folder written by lstm train (repeat to overlay runs)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--metric <name>',
      'any metric in metrics.jsonl: accuracy, loss, bpc, mse, grad_norm, lr, … (default bpc for text, accuracy, or loss)',
    )
    .option('--out <file>', 'write FILE.svg or FILE.png (default: a preview in the terminal)')
    .option('--json', 'print the numbers behind the picture')
    .action((o: { run: string[]; metric?: string; out?: string; json?: boolean }) => vizCurves(o.run, o));
}
