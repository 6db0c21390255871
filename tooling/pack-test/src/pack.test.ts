import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsOf } from '../../house/src/docs-commands.js';

const root = resolve(import.meta.dirname, '../../..');
const packages = ['core', 'backend-cpu', 'backend-tfjs', 'layers', 'optim'];
const work = mkdtempSync(join(tmpdir(), 'lstm-pack-'));
/** The environment of a user's shell: no NODE_PATH into this workspace's store (pnpm sets one). */
const userEnv = { ...process.env, NODE_PATH: '' };

/** A user's script, once its imports and backend are set: 30 training steps of a tiny classifier, losses in `losses`. */
const TRAIN_30_STEPS = `
      const model = new SequenceClassifier({ inputSize: 2, hiddenSize: 4, numClasses: 2, seed: 1 });
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const x = [1, 0, 0, 0, 0, 1, 0, 0];
      const losses = [];
      for (let step = 0; step < 30; step++) {
        losses.push(tidy(() => {
          const { output: logits, cache } = model.forward(tensor(x, [2, 2, 2]), { training: true });
          const { loss, grad } = softmaxCrossEntropy(logits, [0, 1]);
          model.backward(grad, cache);
          optimizer.step();
          optimizer.zeroGrad();
          return loss.readSync()[0];
        }));
      }`;

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000); // node_modules of five projects

/**
 * What a user gets from npm: each package's `pnpm pack` tarball, installed with plain npm into
 * an empty project (no workspace, no sources), imported as ESM and used.
 */
// Each test installs from the npm registry (and packs first): minutes on a loaded two-core CI machine,
// where 180 s once ran out; the budget is 10 minutes, the checks are the same.
describe('published tarballs install alone and work', () => {
  it('packs, installs with npm into an empty project, trains one step', () => {
    for (const name of packages) {
      const directory = join(root, 'packages', name);
      expect(existsSync(join(directory, 'dist', 'index.js')), `${name} is built (pnpm build)`).toBe(true);
      execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: directory, stdio: 'pipe' });
    }
    const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(packages.length);
    const project = join(work, 'app');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const tfjsWasm = '@tensorflow/tfjs-backend-wasm@4.22.0'; // the tfjs backend a user picks, from npm
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((t) => join(work, t)), tfjsWasm], {
      cwd: project,
      stdio: 'pipe',
    });
    writeFileSync(
      join(project, 'main.js'),
      `
      import { tensor, tidy } from '@lstm/core';
      import '@lstm/backend-cpu/register';
      import { SequenceClassifier, softmaxCrossEntropy } from '@lstm/layers';
      import { Adam } from '@lstm/optim';
      ${TRAIN_30_STEPS}
      // The threaded backend from the built package: same numbers as one thread.
      const { registerBackend, setBackend } = await import('@lstm/core');
      const { cpu } = await import('@lstm/backend-cpu');
      const probe = tensor(Array.from({ length: 3 * 7 * 2 }, (_, i) => Math.sin(i)), [3, 7, 2]);
      const single = model.forward(probe).output.readSync();
      registerBackend(cpu({ name: 'cpu-2', threads: 2, parallelMinWork: 0 }));
      await setBackend('cpu-2');
      const threaded = model.forward(probe).output.readSync();
      const threadsAgree = single.every((v, i) => Math.abs(v - threaded[i]) < 1e-6);
      // The model moves to TensorFlow.js's wasm backend and computes the same outputs.
      const { tfjs } = await import('@lstm/backend-tfjs');
      registerBackend(tfjs({ backend: 'wasm', warnings: false }));
      await model.to('tfjs-wasm');
      await setBackend('tfjs-wasm');
      const onTfjs = await model.forward(probe).output.read();
      const tfjsAgrees = single.every((v, i) => Math.abs(v - onTfjs[i]) < 1e-5);
      console.log(JSON.stringify({ first: losses[0], last: losses.at(-1), threadsAgree, tfjsAgrees }));
    `,
    );
    const output = execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8', env: userEnv });
    const { first, last, threadsAgree, tfjsAgrees } = JSON.parse(output.trim()) as {
      first: number;
      last: number;
      threadsAgree: boolean;
      tfjsAgrees: boolean;
    };
    expect(last).toBeLessThan(first / 4);
    expect(threadsAgree).toBe(true);
    expect(tfjsAgrees).toBe(true);
    const types = readdirSync(join(project, 'node_modules', '@lstm', 'layers', 'dist'));
    expect(types).toContain('index.d.ts');
  }, 600_000);

  it('@lstm/backend-wasm packs, installs with npm where no build tool is present, and trains in Node', () => {
    const destination = join(work, 'wasm');
    execFileSync('mkdir', ['-p', destination]);
    const names = ['core', 'backend-cpu', 'backend-wasm', 'layers', 'optim'];
    for (const name of names) {
      const directory = join(root, 'packages', name);
      expect(existsSync(join(directory, 'dist', 'index.js')), `${name} is built (pnpm build)`).toBe(true);
      execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: directory, stdio: 'pipe' });
    }
    const tarballs = readdirSync(destination).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(names.length);
    const project = join(work, 'wasm-app');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'wasm-app', private: true, type: 'module' }));
    // Lifecycle scripts allowed: the package must need none (its .wasm ships inside dist).
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...tarballs.map((t) => join(destination, t))], {
      cwd: project,
      stdio: 'pipe',
    });
    expect(existsSync(join(project, 'node_modules', 'assemblyscript')), 'no AssemblyScript compiler installed').toBe(false);
    const shipped = readdirSync(join(project, 'node_modules', '@lstm', 'backend-wasm'), { recursive: true }).map(String);
    expect(shipped.filter((f) => f.endsWith('.wasm') || f.startsWith('assembly'))).toEqual([]);
    writeFileSync(
      join(project, 'main.js'),
      `
      import { registerBackend, setBackend, tensor, tidy } from '@lstm/core';
      import { wasm } from '@lstm/backend-wasm';
      import { SequenceClassifier, softmaxCrossEntropy } from '@lstm/layers';
      import { Adam } from '@lstm/optim';
      registerBackend(wasm());
      await setBackend('wasm');
      ${TRAIN_30_STEPS}
      console.log(JSON.stringify({ first: losses[0], last: losses.at(-1) }));
    `,
    );
    const output = execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8', env: userEnv });
    const { first, last } = JSON.parse(output.trim()) as { first: number; last: number };
    expect(last).toBeLessThan(first / 4);
  }, 600_000);

  it('@lstm/backend-webgpu packs, installs with npm beside the webgpu package, and computes in Node through Dawn', () => {
    const destination = join(work, 'webgpu');
    execFileSync('mkdir', ['-p', destination]);
    const names = ['core', 'backend-webgpu'];
    for (const name of names) {
      const directory = join(root, 'packages', name);
      expect(existsSync(join(directory, 'dist', 'index.js')), `${name} is built (pnpm build)`).toBe(true);
      execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: directory, stdio: 'pipe' });
    }
    const tarballs = readdirSync(destination).filter((f) => f.endsWith('.tgz'));
    const project = join(work, 'webgpu-app');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'webgpu-app', private: true, type: 'module' }));
    // The README's install line: the tarballs and Dawn's bindings from the registry (a binary inside the package).
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((t) => join(destination, t)), 'webgpu@0.6.2'],
      {
        cwd: project,
        stdio: 'pipe',
      },
    );
    writeFileSync(
      join(project, 'main.js'),
      `
      import { lstmForward, matMul, registerBackend, setBackend, tensor } from '@lstm/core';
      import { webgpu, webgpuAvailability } from '@lstm/backend-webgpu';
      const availability = await webgpuAvailability();
      registerBackend(webgpu());
      await setBackend('webgpu');
      const product = Array.from(await matMul(tensor([1, 2, 3, 4], [2, 2]), tensor([5, 6, 7, 8], [2, 2])).read());
      const w = (rows, cols) => tensor(Array.from({ length: rows * cols }, (_, i) => Math.sin(i) / 4), [rows, cols]);
      const zeros = tensor([0, 0, 0], [1, 3]);
      const bias = tensor(Array.from({ length: 12 }, (_, i) => Math.cos(i) / 4), [12]);
      const { h } = lstmForward(tensor([0.5, -1, 0.25, 2], [1, 2, 2]), { weightIh: w(12, 2), weightHh: w(12, 3), biasIh: bias, biasHh: bias }, zeros, zeros);
      console.log(JSON.stringify({ availability, product, h: Array.from(await h.read()) }));
      process.exit(0);
    `,
    );
    const output = execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8', env: userEnv });
    const { availability, product, h } = JSON.parse(output.trim().split('\n').at(-1)!) as {
      availability: { available: boolean };
      product: number[];
      h: number[];
    };
    expect(availability.available).toBe(true);
    expect(product).toEqual([19, 22, 43, 50]);
    expect(h).toHaveLength(3);
    expect(h.every((v) => Number.isFinite(v) && Math.abs(v) < 1)).toBe(true);
  }, 600_000);

  it('@lstm/viz packs and installs alone: SVG with no backend and no DOM, a clear line where PNG peers are absent', () => {
    const directory = join(root, 'packages', 'viz');
    expect(existsSync(join(directory, 'dist', 'index.js')), 'viz is built (pnpm build)').toBe(true);
    const destination = join(work, 'viz');
    execFileSync('mkdir', ['-p', destination]);
    execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: directory, stdio: 'pipe' });
    const [tarball] = readdirSync(destination).filter((f) => f.endsWith('.tgz'));
    const project = join(work, 'viz-app');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'viz-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(destination, tarball!)], {
      cwd: project,
      stdio: 'pipe',
    });
    writeFileSync(
      join(project, 'main.js'),
      `
      import { heatmap } from '@lstm/viz';
      const svg = heatmap({ title: 'f', values: [[0, 1], [1, 0]] }, { title: 'gates' });
      let png = 'rendered';
      try {
        const { svgToPng } = await import('@lstm/viz/node');
        svgToPng(svg);
      } catch (error) {
        png = error.message;
      }
      console.log(JSON.stringify({ cells: svg.split('class="cell"').length - 1, png }));
    `,
    );
    const { cells, png } = JSON.parse(execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8', env: userEnv }).trim()) as {
      cells: number;
      png: string;
    };
    expect(cells).toBe(4);
    expect(png).toMatch(/PNG output needs @resvg\/resvg-js and dejavu-fonts-ttf/);
  }, 600_000);
});

describe('the install path of the README (issue 20)', () => {
  it("pnpm pack:all writes every published package; the README's npm install lines work in an empty project, the lstm command too", () => {
    execFileSync('pnpm', ['pack:all'], { cwd: root, stdio: 'pipe' });
    const published = [...readdirSync(join(root, 'packages')).map((name) => join('packages', name)), join('apps', 'cli')]
      .map(
        (folder) =>
          JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as { name: string; version: string; private?: boolean },
      )
      .filter((manifest) => !manifest.private)
      .map((manifest) => `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    expect(readdirSync(join(root, 'tarballs')).sort()).toEqual(published.sort());
    const installs = commandsOf('README.md', readFileSync(join(root, 'README.md'), 'utf8')).filter((c) =>
      c.text.startsWith('npm install ./tarballs/'),
    );
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const [i, install] of installs.entries()) {
      const project = join(work, `readme-${i}`);
      execFileSync('mkdir', ['-p', project]);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `readme-${i}`, private: true, type: 'module' }));
      cpSync(join(root, 'tarballs'), join(project, 'tarballs'), { recursive: true });
      // As the README shows it, through a shell (globs), with npm's quiet flags.
      execFileSync('sh', ['-c', install.text.replace(/^npm install /, 'npm install --no-audit --no-fund ')], {
        cwd: project,
        stdio: 'pipe',
        env: userEnv,
      });
      const names = install.text.match(/lstm-[a-z-]+(?=-\d)/g) ?? [];
      const installed = readdirSync(join(project, 'node_modules', '@lstm'));
      if (!install.text.includes('*')) expect(installed.sort()).toEqual(names.map((n) => n.replace(/^lstm-/, '')).sort());
      else expect(installed).toContain('cli');
    }
    // The lstm command from its tarball: version, then a short run.
    const project = join(work, `readme-${installs.length - 1}`);
    expect(execFileSync('npx', ['lstm', '--version'], { cwd: project, encoding: 'utf8', env: userEnv }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const summary = JSON.parse(
      execFileSync(
        'npx',
        [
          'lstm',
          'train',
          '--task',
          'first-last',
          '--epochs',
          '1',
          '--train-size',
          '200',
          '--validation-size',
          '50',
          '--test-size',
          '50',
          '--hidden',
          '8',
          '--quiet',
          '--json',
        ],
        { cwd: project, encoding: 'utf8', env: userEnv },
      ),
    ) as { epochs: number; model: string };
    expect(summary.epochs).toBe(1);
    expect(existsSync(join(project, summary.model))).toBe(true);
    // sweep() for a program (issue 24): two trials, each an lstm train process of the installed CLI.
    writeFileSync(
      join(project, 'sweep.js'),
      `
      import { sweep, sweepTable } from '@lstm/cli/sweep';
      const train = ['--task', 'first-last', '--epochs', '1', '--train-size', '96', '--validation-size', '32', '--test-size', '32', '--hidden', '4'];
      const seen = [];
      const records = await sweep({ out: 'study', grid: ['lr=0.01,0.03'], train, quiet: true, workers: 2, onProgress: (p) => seen.push(p.done) });
      console.log(JSON.stringify({ ids: records.map((r) => r.id), done: Math.max(...seen), rows: sweepTable('study').rows.length }));
      `,
    );
    const swept = JSON.parse(execFileSync('node', ['sweep.js'], { cwd: project, encoding: 'utf8', env: userEnv })) as object;
    expect(swept).toEqual({ ids: ['lr-0.01_seed-0', 'lr-0.03_seed-0'], done: 2, rows: 2 });
  }, 600_000);
});
