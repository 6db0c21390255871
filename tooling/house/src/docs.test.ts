import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../../packages/layers/src/safetensors.js';
import { startArgs } from '../../experiments/src/quickstart.js';
import { claimedOutputs, commandsOf, examplesOf, reduced, type DocCommand } from './docs-commands.js';

/**
 * Docs as tests (issue 20): every shell command that README.md, docs/ and the site's pages show
 * runs here, page by page in the order shown, as written or with only its size options reduced
 * (`reduced`), in a fresh folder laid out like the repository; it must exit 0 and leave what it
 * says it writes. Commands other than `lstm` must be listed in ELSEWHERE with the test that runs
 * them, so a new command on a page fails here until something runs it.
 */
const root = join(import.meta.dirname, '../../..');
const main = join(root, 'apps/cli/src/main.ts');
const tsx = import.meta.resolve('tsx');
const run = promisify(execFile);

/** Commands the pages show that other parts of the suite (or CI itself) run. */
const ELSEWHERE: Record<string, string> = {
  'npm install -g pnpm@12.21.0': '.ci/run installs pnpm this way on a fresh machine',
  'pnpm install': '.ci/run',
  'pnpm install --frozen-lockfile': '.ci/run',
  'pnpm test': '.ci/run runs it: this very test is part of it',
  'pnpm build': 'pnpm test builds everything, the site included',
  'pnpm --filter @lstm/site dev': 'the site tests (apps/site) serve the build that this command previews',
  'pnpm --filter @lstm/site build': 'pnpm build',
  'pnpm --filter @lstm/site preview': 'the site tests serve the same build',
  'pnpm pack:all': 'tooling/pack-test runs it and installs the tarballs in an empty project',
  'pnpm gallery': 'apps/cli/src/gallery.test.ts rebuilds its untrained figures; the trained ones run here, from gallery.md',
  'pnpm bench': 'tooling/bench (pnpm bench) — minutes of measurement, not a test',
  'pnpm changeset publish': 'needs a registry token; the pack test installs what it would publish',
};

/** npm installs from the tarballs of `pnpm pack:all`: tooling/pack-test runs the README's in an empty project. */
const isElsewhere = (text: string) => Object.keys(ELSEWHERE).includes(text) || text.startsWith('npm install ./tarballs/');

/** The pages whose commands a user copies: the README, the repository's docs, the site's own pages. */
function pages(): string[] {
  return execFileSync('git', ['ls-files', 'README.md', 'docs', 'apps/site/docs', 'packages/*/README.md', 'apps/*/README.md'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file.endsWith('.md'));
}

/** The words of `lstm …` for a command that is one, or null. */
function lstmWords(command: DocCommand): string[] | null {
  const [first, second, third] = command.words;
  if (first === 'lstm') return command.words.slice(1);
  if ((first === 'pnpm' || first === 'npx') && second === 'lstm') return command.words.slice(2);
  if (first === 'pnpm' && second === '-s' && third === 'lstm') return command.words.slice(3);
  if (first === 'pnpm' && second === 'start' && command.words.length === 2) return startArgs(); // `pnpm start`: the README's first command, an `lstm train`
  return null;
}

/** A folder laid out like the repository, with the inputs the pages assume a user has. */
function workspace(page: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lstm-docs-${page.replace(/\W+/g, '-')}-`));
  mkdirSync(join(dir, 'docs/gallery'), { recursive: true });
  // The sweep files the results page's commands name (--spec docs/results/sweeps/….yaml).
  cpSync(join(root, 'docs/results/sweeps'), join(dir, 'docs/results/sweeps'), { recursive: true, filter: (f) => !f.endsWith('.jsonl') });
  // A PyTorch state dict as docs/interop.md builds it: encoder.rnn = LSTM(8, 64, 2 layers, bi), fc = Linear(128, 4).
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  const random = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.125);
  let seed = 0;
  for (const layer of [0, 1]) {
    for (const suffix of ['', '_reverse']) {
      const input = layer === 0 ? 8 : 128;
      const put = (name: string, shape: number[]) => {
        tensors[`encoder.rnn.${name}_l${layer}${suffix}`] = {
          dtype: 'F32',
          shape,
          data: random(
            shape.reduce((a, b) => a * b),
            seed++,
          ),
        };
      };
      put('weight_ih', [256, input]);
      put('weight_hh', [256, 64]);
      put('bias_ih', [256]);
      put('bias_hh', [256]);
    }
  }
  tensors['fc.weight'] = { dtype: 'F32', shape: [4, 128], data: random(512, seed++) };
  tensors['fc.bias'] = { dtype: 'F32', shape: [4], data: random(4, seed++) };
  writeFileSync(join(dir, 'net.safetensors'), encodeSafetensors(tensors));
  // One sequence, [[x…] per step]: 8 features for the imported net, 1 for a first-last model.
  const features = page === 'docs/interop.md' ? 8 : 1;
  const steps = Array.from({ length: 30 }, (_, t) => Array.from({ length: features }, (_, f) => Math.cos(t + f)));
  writeFileSync(join(dir, 'sequence.json'), JSON.stringify(steps));
  writeFileSync(
    join(dir, 'speech.txt'),
    'The world will little note, nor long remember what we say here, but it can never forget what they did here. '.repeat(40),
  );
  return dir;
}

describe('the docs parser', () => {
  it('reads shell blocks only, joins continuation lines, splits &&, drops comments and quotes', () => {
    const page = [
      '```python',
      'print("not a command")',
      '```',
      '```sh',
      'pnpm lstm train --task text \\',
      '  --epochs 5   # five',
      'pnpm lstm generate --prime "The " && pnpm lstm backends',
      '```',
    ].join('\n');
    expect(commandsOf('x.md', page).map((c) => c.words)).toEqual([
      ['pnpm', 'lstm', 'train', '--task', 'text', '--epochs', '5'],
      ['pnpm', 'lstm', 'generate', '--prime', 'The '],
      ['pnpm', 'lstm', 'backends'],
    ]);
  });

  it('reduces only size options', () => {
    expect(reduced(['train', '--task', 'first-last', '--hidden', '128', '--epochs', '100', '--out', 'runs/e1'])).toEqual([
      'train',
      '--task',
      'first-last',
      '--hidden',
      '16',
      '--epochs',
      '2',
      '--out',
      'runs/e1',
      '--train-size',
      '256',
      '--validation-size',
      '64',
      '--test-size',
      '64',
    ]);
    expect(reduced(['viz', 'gates', '--units', '8'])).toEqual(['viz', 'gates', '--units', '8']);
    // A sweep keeps its grid; its seeds and its trials' sizes shrink.
    expect(reduced(['sweep', '--out', 's', '--grid', 'lr=1,2', '--seeds', '5', '--', '--task', 'adding', '--epochs', '20'])).toEqual([
      'sweep',
      '--out',
      's',
      '--grid',
      'lr=1,2',
      '--seeds',
      '2',
      '--',
      '--task',
      'adding',
      '--epochs',
      '2',
      '--train-size',
      '256',
      '--validation-size',
      '64',
      '--test-size',
      '64',
    ]);
  });
});

const all = pages().map((page) => ({ page, commands: commandsOf(page, readFileSync(join(root, page), 'utf8')) }));

describe('every command the docs show (issue 20)', () => {
  it('covers the pages that show commands', () => {
    const shown = all.filter((p) => p.commands.length > 0).map((p) => p.page);
    expect(shown).toEqual(expect.arrayContaining(['README.md', 'docs/gallery.md', 'docs/interop.md', 'apps/site/docs/guides/cli.md']));
  });

  it('runs every command other than lstm elsewhere (ELSEWHERE names where)', () => {
    const unaccounted = all.flatMap(({ commands }) =>
      commands.filter((c) => lstmWords(c) === null && !isElsewhere(c.text)).map((c) => `${c.file}: ${c.text}`),
    );
    expect(unaccounted).toEqual([]);
  });

  describe.concurrent.each(all.filter(({ commands }) => commands.some((c) => lstmWords(c) !== null)))('$page', ({ page, commands }) => {
    it('runs each lstm command in order and finds what it writes', async () => {
      const dir = workspace(page);
      // A page that uses the quick-start model assumes the README's first command has run.
      const needsQuickstart = page !== 'README.md' && commands.some((c) => c.text.includes('runs/quickstart/'));
      const start: DocCommand = { file: page, text: 'pnpm start', words: ['pnpm', 'start'] };
      for (const command of needsQuickstart ? [start, ...commands] : commands) {
        const words = lstmWords(command);
        if (!words) continue;
        const args = reduced(words);
        const result = await run(process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args], {
          cwd: dir,
          timeout: 180_000,
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        }).then(
          () => ({ code: 0, stderr: '' }),
          (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }),
        );
        expect(result.code, `${page}: ${command.text}\n${result.stderr}`).toBe(0);
        for (const output of claimedOutputs(args))
          expect(existsSync(join(dir, output)), `${page}: ${command.text} wrote ${output}`).toBe(true);
      }
    }, 900_000);
  });
});

describe('every TypeScript example the docs show runs (issue 20)', () => {
  const examples = pages().flatMap((page) => examplesOf(page, readFileSync(join(root, page), 'utf8')));

  it('finds the examples, whole programs and marked fragments', () => {
    expect(examples.filter((e) => !e.fragment).length).toBeGreaterThan(6);
    expect(examples.filter((e) => e.fragment).length).toBeGreaterThan(0);
    // A fragment is marked as one on its page; anything else is a program a reader can paste and run.
    for (const e of examples.filter((x) => !x.fragment)) expect(e.code, e.file).toMatch(/^import /);
  });

  // Written inside the CLI's node_modules so that `@lstm/…` and the peers resolve as in a user's project.
  const dir = join(root, 'apps/cli/node_modules/.docs-examples');
  // A user's project has @lstm/cli installed (docs/sweeps.md imports @lstm/cli/sweep); the CLI's own
  // node_modules lacks itself, so it is linked there, as npm would install it.
  const self = join(root, 'apps/cli/node_modules/@lstm/cli');
  if (!existsSync(self)) symlinkSync(join(root, 'apps/cli'), self, 'dir');
  it.each(examples.filter((e) => !e.fragment).map((e, i) => ({ ...e, name: `${e.file} #${i + 1}` })))(
    '$name',
    async ({ code, name }) => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name.replace(/\W+/g, '-')}.mts`);
      writeFileSync(file, code);
      try {
        const result = await run(process.execPath, ['--conditions=@lstm/source', '--import', tsx, file], {
          cwd: dir,
          timeout: 180_000,
          encoding: 'utf8',
        }).then(
          () => ({ code: 0, stderr: '' }),
          (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }),
        );
        expect(result.code, `${name}\n${result.stderr}`).toBe(0);
      } finally {
        rmSync(file, { force: true });
      }
    },
    240_000,
  );
});
