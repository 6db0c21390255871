import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-cli-webgpu-'));
const lstm = cli(dir);

/**
 * E1 shortened to 10 steps so that it learns in six epochs even under a software-emulated GPU
 * (SwiftShader on CI): the same configuration on webgpu and on cpu.
 */
const run = (backend: string, seed: number) => [
  'train',
  ...['--task', 'first-last', '--seq-len', '10', '--hidden', '16', '--forget-bias', '2', '--lr', '1e-2', '--clip', '1'],
  ...['--train-size', '512', '--validation-size', '256', '--test-size', '256', '--epochs', '6'],
  ...['--seed', String(seed), '--backend', backend, '--out', join(dir, `${backend}-${seed}`), '--json', '--quiet'],
];

const summaryOf = (stdout: string) => JSON.parse(stdout) as { best_test_accuracy: number; final_train_loss: number };

describe('lstm on backend-webgpu (issue 25)', () => {
  it('lstm backends names the adapter it found', () => {
    const r = lstm('backends');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^webgpu +available \(WGSL kernels on .+, float32\)$/m);
  });

  it('--backend webgpu learns first-last as the CPU does: within the CPU’s seed-to-seed range, and the same run as on the CPU', {
    timeout: 240_000,
  }, () => {
    const gpu = lstm(...run('webgpu', 1));
    expect(gpu.code, gpu.stderr).toBe(0);
    const onGpu = summaryOf(gpu.stdout);
    const onCpu = [1, 2, 3, 4, 5].map((seed) => {
      const r = lstm(...run('cpu', seed));
      expect(r.code, r.stderr).toBe(0);
      return summaryOf(r.stdout);
    });
    const accuracies = onCpu.map((s) => s.best_test_accuracy);
    expect(Math.min(...accuracies)).toBeGreaterThan(0.6); // the configuration learns (chance 25 %, last step 50 %)
    expect(onGpu.best_test_accuracy).toBeGreaterThanOrEqual(Math.min(...accuracies));
    expect(onGpu.best_test_accuracy).toBeLessThanOrEqual(Math.max(...accuracies));
    // Same seed, same data, kernels exact to float32 round-off: the runs stay together.
    expect(Math.abs(onGpu.final_train_loss - onCpu[0]!.final_train_loss)).toBeLessThan(1e-3);
    // The model file it wrote is read back and evaluated on the GPU, as on the CPU.
    const model = join(dir, 'webgpu-1', 'model.safetensors');
    const evaluated = [lstm('eval', '--model', model, '--backend', 'webgpu', '--json'), lstm('eval', '--model', model, '--json')];
    for (const r of evaluated) expect(r.code, r.stderr).toBe(0);
    const [gpuEval, cpuEval] = evaluated.map((r) => JSON.parse(r.stdout).test_accuracy as number);
    expect(gpuEval).toBe(onGpu.best_test_accuracy);
    expect(cpuEval).toBe(gpuEval);
    expect(
      readFileSync(join(dir, 'webgpu-1', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(6);
  });

  it('commands that read synchronously refuse webgpu in one line, naming the backends that do', () => {
    const r = lstm('predict', '--model', join(dir, 'missing.safetensors'), '--input', 'x.csv', '--backend', 'webgpu');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'lstm: error: --backend webgpu reads the device asynchronously, which only train and eval do; use cpu or wasm here',
    );
  });
});
