/**
 * The README's numbers about its first command: `pnpm docs:quickstart` runs `pnpm start` and writes
 * them between the README's `<!-- quickstart -->` markers, from the run's metrics.jsonl. A test
 * (apps/cli/src/first-run.test.ts) runs the same command and checks the README against its run, so
 * the page cannot drift from the code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBlock, readMetrics, root, writeBlock } from './runs.js';

/** The README's markers around the numbers of its first command. */
export const QUICKSTART = {
  begin: '<!-- quickstart: numbers written by `pnpm docs:quickstart` (tooling/experiments/src/quickstart.ts) -->',
  end: '<!-- /quickstart -->',
};

/** The `lstm` arguments of the README's first command (`pnpm start`: `pnpm -s lstm train …`), from package.json. */
export function startArgs(): string[] {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const words = (scripts.start ?? '').split(/\s+/);
  if (words.slice(0, 3).join(' ') !== 'pnpm -s lstm')
    throw new Error(`package.json's start script is not \`pnpm -s lstm …\`: ${scripts.start}`);
  return words.slice(3);
}

const pct = (v: number | undefined) => `${Math.round((v ?? Number.NaN) * 100)} %`;

/** The quick-start's `lstm train` arguments with a vanilla RNN in place of the LSTM (it has no forget gate to bias). */
export function rnnVariant(args: readonly string[], out: string): string[] {
  const at = args.indexOf('--forget-bias');
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : [...args];
  const outAt = rest.indexOf('--out');
  if (outAt >= 0) rest.splice(outAt, 2);
  return [...rest, '--cell', 'rnn', '--out', out];
}

/** The README's sentence about the quick-start run, from its per-epoch records (and, if given, its duration). */
export function quickstartText(records: Record<string, number>[], rnn: Record<string, number>[], seconds?: number): string {
  const last = records.at(-1);
  const best = records.find((r) => r.epoch === last?.best_epoch) ?? last;
  const first = records.slice(0, 4).map((r) => Math.round((r.test_accuracy ?? Number.NaN) * 100));
  const time = seconds === undefined ? '' : `, ${Math.round(seconds)} seconds on one core of the machine that wrote this line`;
  return [
    `Test accuracy climbs from chance (25 %) and 50 % (the last step alone) to ${pct(last?.test_accuracy)} after`,
    `${records.length} epochs (${first.join(' → ')} % over the first four${time}); the model file holds epoch`,
    `${best?.epoch}, the best on the validation split (${pct(best?.validation_accuracy)} there, ${pct(best?.test_accuracy)} on the test split).`,
    `The same run with a vanilla RNN (\`--cell rnn\` in place of \`--forget-bias 2\`) ends at ${pct(rnn.at(-1)?.test_accuracy)}.`,
  ].join('\n');
}

/** The README's quick-start numbers, or null when it has no such block. */
export const quickstartBlock = (readme: string): string | null => readBlock(readme, QUICKSTART);

export const withoutTiming = (text: string) => text.replace(/, \d+ seconds on one core of the machine that wrote this line/, '');

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const started = performance.now();
  execFileSync('pnpm', ['start'], { cwd: root, stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  execFileSync('pnpm', ['-s', 'lstm', ...rnnVariant(startArgs(), 'runs/quickstart-rnn'), '--force'], { cwd: root, stdio: 'inherit' });
  const text = quickstartText(readMetrics(join(root, 'runs/quickstart')), readMetrics(join(root, 'runs/quickstart-rnn')), seconds);
  writeBlock(join(root, 'README.md'), QUICKSTART, text);
  console.log(text);
}
