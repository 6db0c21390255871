// Generates what the site's pages build on and git does not keep (see apps/site/.gitignore):
//   docs/api/          the API reference, by TypeDoc from the packages' TSDoc comments;
//   docs/figures/      the concept figures, drawn by `lstm viz` (@lstm/viz on the cpu backend) now;
//   docs/results/ …    the repository's own docs (spec, results, gallery, benchmarks, interop,
//                      architecture), copied so the site and the repository say the same thing.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gatePanels, heatmap } from '@lstm/viz';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const site = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(site, '..', '..');
const docs = join(site, 'docs');
/** The lstm command, from its sources. */
const cli = join(repo, 'apps', 'cli', 'src', 'main.ts');
const tsx = join(site, 'node_modules', '.bin', 'tsx');
const lstm = (...args: string[]) => run(tsx, ['--conditions=@lstm/source', cli, ...args], { cwd: repo, maxBuffer: 16 << 20 });

/** Figures of the concept pages: each is one `lstm viz` command of the CLI (run from source). */
const FIGURES: Record<string, string[]> = {
  'decay.svg': ['viz', 'decay'],
  'trace.svg': ['viz', 'trace'],
  'forget-heatmap.svg': ['viz', 'forget-heatmap', '--seed', '0'],
  'gradflow-default.svg': ['viz', 'gradflow', '--seed', '1'],
  'gradflow-forget-bias-2.svg': ['viz', 'gradflow', '--seed', '1', '--forget-bias', '2'],
  'explode.svg': ['viz', 'explode', '--seed', '0'],
  'retention.svg': ['viz', 'retention'],
  'cell-lstm.svg': ['viz', 'cell', '--cell', 'lstm'],
  'cell-peephole.svg': ['viz', 'cell', '--cell', 'peephole'],
  'cell-coupled.svg': ['viz', 'cell', '--cell', 'coupled'],
  'cell-gru.svg': ['viz', 'cell', '--cell', 'gru'],
  'cell-rnn.svg': ['viz', 'cell', '--cell', 'rnn'],
  'cell-stacked.svg': ['viz', 'cell', '--layers', '2'],
  'cell-bidirectional.svg': ['viz', 'cell', '--layers', '2', '--bidirectional'],
};

/** The repository's docs the site shows as they are (their relative links keep working). */
const COPIED = ['spec.md', 'results', 'gallery', 'gallery.md', 'benchmarks.md', 'interop.md', 'sweeps.md', 'architecture.md'];

async function figures(): Promise<void> {
  const out = join(docs, 'public', 'figures');
  mkdirSync(out, { recursive: true });
  await Promise.all(Object.entries(FIGURES).map(([file, args]) => lstm(...args, '--out', join(out, file))));
}

/**
 * The home page's figure: the README's first command trains an LSTM (about 20 s), and three of
 * its gates over one test sequence are drawn at the size the hero shows them (text at 12 px).
 */
async function hero(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'lstm-hero-'));
  try {
    // biome-ignore format: the README's first command, one option pair per group
    await lstm('train', '--task', 'first-last', '--hidden', '32', '--forget-bias', '2', '--lr', '3e-3', '--clip', '1',
      '--train-size', '2000', '--validation-size', '500', '--test-size', '500', '--epochs', '12', '--seed', '1', '--out', out, '--quiet');
    const { stdout } = await lstm('viz', 'gates', '--model', join(out, 'model.safetensors'), '--units', '6', '--gates', 'i,f,o', '--json');
    const { gates } = JSON.parse(stdout) as { gates: Record<string, number[][]> };
    // The gates in PyTorch's order, on the 0…1 scale every gate figure uses (@lstm/viz's gatePanels).
    const svg = heatmap(gatePanels({ cell: 'lstm', gates }), {
      title: 'Gates of a trained LSTM over one 30-step sequence',
      width: 520,
      panelHeight: 84,
    });
    writeFileSync(join(docs, 'public', 'figures', 'hero-gates.svg'), svg);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function api(): Promise<void> {
  rmSync(join(docs, 'api'), { recursive: true, force: true });
  await run(join(site, 'node_modules', '.bin', 'typedoc'), [], { cwd: site });
}

function copyDocs(): void {
  for (const entry of COPIED) cpSync(join(repo, 'docs', entry), join(docs, entry), { recursive: true });
}

const started = performance.now();
copyDocs();
mkdirSync(join(docs, 'public', 'figures'), { recursive: true });
await Promise.all([figures(), api(), hero()]);
console.log(
  `site: API reference, ${Object.keys(FIGURES).length} figures and the repository docs ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
