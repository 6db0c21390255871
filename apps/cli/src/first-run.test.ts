import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quickstartBlock, quickstartText, rnnVariant, startArgs, withoutTiming } from '../../../tooling/experiments/src/quickstart.js';
import { readMetrics } from '../../../tooling/experiments/src/runs.js';
import { cli, tensorsOf } from './cli.test-helper.js';

/**
 * What a newcomer meets first (issue 20): the README's first command under a real terminal,
 * Ctrl-C and `--resume`, and the CPU backend's threads.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'lstm-first-run-'));

describe("the README's first command in a terminal", () => {
  it('draws a progress bar in every epoch, with its values and never the template', () => {
    // `pnpm start` as package.json defines it, with only --out moved to a temporary folder.
    const args = startArgs();
    expect(args[0]).toBe('train');
    const out = join(dir, 'quickstart');
    // util-linux `script` runs the command under a pseudo-terminal, as a user's shell would.
    const result = spawnSync('script', ['-qefc', `pnpm -s start --out ${out}`, '/dev/null'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status, result.stdout).toBe(0);
    const screen = result.stdout.replace(/\r/g, '\n');
    expect(screen).not.toMatch(/\{[a-z_]+\}/);
    const epochs = Number(args[args.indexOf('--epochs') + 1]);
    expect(epochs).toBeGreaterThan(1);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      // A frame of this epoch's bar: the epoch, the bar, the run's ETA, the running loss and accuracy.
      expect(screen, `epoch ${epoch}`).toMatch(
        new RegExp(`epoch ${epoch}/${epochs} \\[[=-]+\\] \\d+% \\| run ETA (\\d+:)?\\d+:\\d\\d \\| loss \\d\\.\\d{4} \\| acc \\d+\\.\\d%`),
      );
      // Then the epoch's line, with the validation accuracy that picks the best epoch.
      expect(screen).toMatch(new RegExp(`epoch +${epoch} +loss .* acc [\\d.]+% train / [\\d.]+% val / [\\d.]+% test`));
    }
    expect(screen).toMatch(/baselines \(test\): chance accuracy 25\.0%, last-step accuracy 50\.0%/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    // The README's numbers about this command are this run's (pnpm docs:quickstart rewrites them).
    const rnnOut = join(dir, 'quickstart-rnn');
    const rnnRun = cli(dir)(...rnnVariant(args, rnnOut), '--quiet');
    expect(rnnRun.code, rnnRun.stderr).toBe(0);
    expect(withoutTiming(quickstartBlock(readFileSync(join(root, 'README.md'), 'utf8')) ?? '')).toBe(
      quickstartText(readMetrics(out), readMetrics(rnnOut)),
    );
  }, 300_000);
});

/** `lstm train …` in the background; resolves with its exit code and stderr; `onLine` sees stderr lines. */
function background(args: string[], onLine: (line: string, kill: () => void) => void): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args], { cwd: dir });
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line, () => child.kill('SIGINT'));
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

// Epochs of about a second, so a Ctrl-C lands inside one.
const run = [
  'train',
  '--task',
  'first-last',
  '--hidden',
  '24',
  '--forget-bias',
  '2',
  '--lr',
  '3e-3',
  '--clip',
  '1',
  '--train-size',
  '3000',
  '--validation-size',
  '200',
  '--test-size',
  '200',
  '--epochs',
  '4',
  '--seed',
  '3',
];

describe('Ctrl-C during training (issue 20)', () => {
  it('stops in epoch 3 with a line naming --resume (exit 130); --resume --out alone finishes with the same weights', async () => {
    const lstm = cli(dir);
    const whole = join(dir, 'whole');
    const wholeRun = lstm(...run, '--out', whole, '--quiet');
    expect(wholeRun.code, wholeRun.stderr).toBe(0);

    const cut = join(dir, 'cut');
    let sent = false;
    const interrupted = await background([...run, '--out', cut], (line, kill) => {
      // The line of epoch 2 is printed after its checkpoint: epoch 3 has begun.
      if (!sent && /^epoch +2 +loss/.test(line)) {
        sent = true;
        kill();
      }
    });
    expect(sent).toBe(true);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const last = interrupted.stderr.trim().split('\n').at(-1) ?? '';
    // Sent during epoch 3; a machine too busy to deliver it for a whole epoch stops after epoch 3 instead.
    const done = Number(/after epoch (\d+)/.exec(last)?.[1]);
    expect([2, 3]).toContain(done);
    expect(last).toBe(`lstm: interrupted after epoch ${done} — continue with \`lstm train --resume --out ${cut}\``);
    expect(interrupted.stderr).not.toMatch(new RegExp(`^epoch +${done + 1} +loss`, 'm'));
    const metrics = readFileSync(join(cut, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metrics).toHaveLength(done);

    const resumed = lstm('train', '--resume', '--out', cut);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming .* after epoch ${done}`));
    expect(tensorsOf(join(cut, 'model.safetensors'))).toEqual(tensorsOf(join(whole, 'model.safetensors')));
    expect(tensorsOf(join(cut, 'checkpoint.safetensors'))).toEqual(tensorsOf(join(whole, 'checkpoint.safetensors')));
  }, 240_000);
});

describe('the CPU backend gives the same run on any number of threads (issue 20)', () => {
  it('writes byte-identical model files with --threads 1 and --threads 2', () => {
    // The same relative --out in two folders: the file names its own path, so the bytes can match.
    const files = ['one', 'two'].map((name, i) => {
      const cwd = join(dir, `threads-${name}`);
      mkdirSync(cwd);
      const result = cli(cwd)(
        'train',
        '--task',
        'first-last',
        '--layers',
        '2',
        '--hidden',
        '64',
        '--train-size',
        '512',
        '--validation-size',
        '128',
        '--test-size',
        '128',
        '--epochs',
        '2',
        '--threads',
        String(i + 1),
        '--out',
        'run',
        '--quiet',
      );
      expect(result.code, result.stderr).toBe(0);
      return readFileSync(join(cwd, 'run', 'model.safetensors'));
    });
    expect(files[1]!.equals(files[0]!)).toBe(true);
  }, 240_000);
});
