import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmAvailability } from '@lstm/backend-wasm';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'lstm-cli-wasm-'));

function lstm(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args], { encoding: 'utf8', cwd: dir });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The README's quick-start (the root package.json's `start` script), with its own output folder. */
function quickStart(out: string): string[] {
  const start: string = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).scripts.start;
  const args = start.split(/\s+/).slice(start.split(/\s+/).indexOf('lstm') + 1);
  args[args.indexOf('--out') + 1] = out;
  return args;
}

const finalAccuracy = (out: string): number =>
  JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!).test_accuracy;

describe('lstm on backend-wasm (issue 12)', () => {
  it('lists wasm among the usable backends', () => {
    const r = lstm('backends', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).backends).toContainEqual({ name: 'wasm', usable: true, why: null });
  });

  it('trains the E1 quick-start with --backend wasm to the accuracy it reaches on cpu', { timeout: 120_000 }, () => {
    const onWasm = lstm(...quickStart(join(dir, 'wasm')), '--backend', 'wasm', '--quiet');
    expect(onWasm.code, onWasm.stderr).toBe(0);
    const onCpu = lstm(...quickStart(join(dir, 'cpu')), '--quiet');
    expect(onCpu.code, onCpu.stderr).toBe(0);
    const wasm = finalAccuracy(join(dir, 'wasm'));
    const cpu = finalAccuracy(join(dir, 'cpu'));
    expect(cpu).toBeGreaterThan(0.9);
    // Float32 round-off differs between the backends (summation order, exp), and training
    // amplifies it, so the runs are not identical: the same accuracy means within 2 points.
    expect(Math.abs(wasm - cpu)).toBeLessThanOrEqual(0.02);
  });

  it('trains with --fma on the relaxed-SIMD build where the runtime has it, and says when it falls back', { timeout: 60_000 }, async () => {
    const out = join(dir, 'fma');
    const run = lstm(
      'train',
      '--task',
      'first-last',
      '--hidden',
      '8',
      '--train-size',
      '64',
      '--validation-size',
      '32',
      '--test-size',
      '32',
      '--epochs',
      '1',
      '--backend',
      'wasm',
      '--fma',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(finalAccuracy(out)).toBeGreaterThan(0);
    const fellBack = /--fma: this runtime has no relaxed SIMD .* training on the plain SIMD build/.test(run.stderr);
    expect(fellBack).toBe(!(await wasmAvailability()).fma);
  });
});
