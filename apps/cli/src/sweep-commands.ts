import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { UsageError } from './errors.js';
import { integer } from './options.js';
import { sweep } from './sweep.js';
import { sweepReport } from './sweep-report.js';
import { worker } from './worker.js';

/** `lstm sweep …`: many `lstm train` runs (a grid or random search × seeds) and their statistics (issue 24). */
export function addSweepCommands(program: Command): void {
  const command = program
    .command('sweep')
    .enablePositionalOptions() // `sweep report … --json` is report's --json, not the sweep's
    .description('run a grid or random search of lstm train options × seeds in parallel; `lstm sweep report DIR` for the statistics')
    .argument('[train...]', 'lstm train options every trial shares, after --: -- --task first-last --epochs 5')
    .option('--out <dir>', 'sweep folder (required): DIR/trials/<trial> run folders and DIR/trials.jsonl')
    .option('--spec <file>', 'a JSON or YAML sweep file: { base, grid, seeds, random }')
    .option('--grid <key=values...>', 'an option and its values, e.g. --grid lr=1e-3,3e-3 --grid variant=standard,nfg')
    .option('--seeds <n>', 'runs of each configuration, seeds 0 … n−1 (default 1)', integer(1))
    .option('--random <n>', 'draw N configurations from the grid instead of all', integer(1))
    .option('--workers <n>', 'trials at once, one process each (default: one per core)', integer(1, 256))
    .option('--queue <url>', 'put the trials on this Redis (redis://HOST:PORT) for `lstm worker`s on any machine to take')
    .option('--json', 'print one JSON line at the end (stdout)')
    .option('--quiet', 'no progress output')
    .action(async (train, o) => {
      if (!o.out) throw new UsageError('lstm sweep needs --out DIR, the folder its trials and trials.jsonl go in');
      const records = await sweep({ ...o, out: o.out, train });
      if (o.json) process.stdout.write(`${JSON.stringify({ out: o.out, trials: records.length, records: join(o.out, 'trials.jsonl') })}\n`);
    });
  command
    .command('report')
    .description('per configuration: mean, 95% interval and n of a metric; each against a baseline (Welch, Holm-adjusted)')
    .argument('<dir>', 'a sweep folder')
    .option('--metric <key>', "a key of lstm train's --json summary (default best_test_accuracy, else best_test_loss)")
    .option('--baseline <key=value,…>', 'the configuration to test the others against (default: the first)')
    .option('--json', 'print the table as JSON')
    .option('--markdown', 'print the table in Markdown (for a results page)')
    .option('--out <file>', 'also draw each trial and the means with their intervals: FILE.svg or FILE.png')
    .option('--curves <file>', "also draw each configuration's mean curve of the metric by epoch: FILE.svg or FILE.png")
    .action((dir, o) => sweepReport(dir, o));
  program
    .command('worker')
    .description('take sweep trials off a Redis queue (lstm sweep --queue) and run them, on any number of machines')
    .requiredOption('--queue <url>', 'the Redis the sweep put its trials on: redis://HOST:PORT')
    .option('--concurrency <n>', 'trials at once, one process each (default: one per core)', integer(1, 256))
    .option('--stall-seconds <s>', "how long a dead worker's trial waits before another takes it over (default 30)", integer(1, 3600))
    .option('--until-empty', 'stop once the queue has nothing left to run (a batch job); else run until stopped')
    .option('--quiet', 'no progress output')
    .action((o) => worker(o));
}
