import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@lstm/layers';
import { metricRecords, tensorsOf } from './cli.test-helper.js';
import { describe, expect, it } from 'vitest';

/**
 * kill -9 at a random moment of training, then --resume: no file is ever left half-written, and
 * the resumed run ends bit-identical to one that was never interrupted (issue 9).
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'lstm-crash-'));
const argv = (args: string[]) => ['--conditions=@lstm/source', '--import', tsx, main, ...args];
const run = ['train', '--task', 'first-last', '--seq-len', '8', '--train-size', '3000', '--validation-size', '64', '--test-size', '64'];
const options = [...run, '--hidden', '16', '--dropout', '0.2', '--layers', '2', '--epochs', '8', '--seed', '5', '--quiet'];

describe('a run killed at a random moment', () => {
  it('leaves only whole files and resumes to the same bits as an uninterrupted run', async () => {
    const whole = join(dir, 'whole');
    const started = performance.now();
    const finished = spawnSync(process.execPath, argv([...options, '--out', whole]), { encoding: 'utf8' });
    const duration = performance.now() - started;
    expect(finished.status, finished.stderr).toBe(0);

    // Anywhere from start-up to the last epoch's files: a uniform point of a run as long as that one.
    const broken = join(dir, 'broken');
    const delay = (0.2 + 0.8 * Math.random()) * duration;
    const child = spawn(process.execPath, argv([...options, '--out', broken]), { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await exited;
    console.info(`killed after ${delay.toFixed(0)} of ${duration.toFixed(0)} ms`);

    for (const name of ['model.safetensors', 'checkpoint.safetensors']) {
      const path = join(broken, name);
      if (existsSync(path)) expect(() => decodeSafetensors(readFileSync(path), path)).not.toThrow();
    }
    const resumeArgs = existsSync(join(broken, 'checkpoint.safetensors')) ? ['--resume'] : ['--force'];
    const resumed = spawnSync(process.execPath, argv([...options, '--out', broken, ...resumeArgs]), { encoding: 'utf8' });
    const alreadyDone = /already finished 8 epochs/.test(resumed.stderr);
    expect(resumed.status === 0 || alreadyDone, resumed.stderr).toBe(true);

    expect(tensorsOf(join(broken, 'model.safetensors'))).toEqual(tensorsOf(join(whole, 'model.safetensors')));
    expect(metricRecords(broken)).toEqual(metricRecords(whole));
  }, 120_000);
});
