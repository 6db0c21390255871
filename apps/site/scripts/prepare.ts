// Generates what the site's pages build on and git does not keep (see apps/site/.gitignore):
//   docs/api/          the API reference, by TypeDoc from the packages' TSDoc comments;
//   docs/figures/      the concept figures, drawn by `lstm viz` (@lstm/viz on the cpu backend) now;
//   docs/results/ …    the repository's own docs (spec, results, gallery, benchmarks, interop,
//                      architecture), copied so the site and the repository say the same thing.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const site = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(site, '..', '..');
const docs = join(site, 'docs');

/** Figures of the concept pages: each is one `lstm viz` command of the CLI (run from source). */
const FIGURES: Record<string, string[]> = {
  'decay.svg': ['viz', 'decay'],
  'trace.svg': ['viz', 'trace'],
  'forget-heatmap.svg': ['viz', 'forget-heatmap', '--seed', '0'],
  'gradflow-default.svg': ['viz', 'gradflow', '--seed', '1'],
  'gradflow-forget-bias-2.svg': ['viz', 'gradflow', '--seed', '1', '--forget-bias', '2'],
  'explode.svg': ['viz', 'explode', '--seed', '0'],
};

/** The repository's docs the site shows as they are (their relative links keep working). */
const COPIED = ['spec.md', 'results', 'gallery', 'gallery.md', 'benchmarks.md', 'interop.md', 'architecture.md'];

async function figures(): Promise<void> {
  const out = join(docs, 'public', 'figures');
  mkdirSync(out, { recursive: true });
  const cli = join(repo, 'apps', 'cli', 'src', 'main.ts');
  const tsx = join(site, 'node_modules', '.bin', 'tsx');
  await Promise.all(
    Object.entries(FIGURES).map(([file, args]) =>
      run(tsx, ['--conditions=@lstm/source', cli, ...args, '--out', join(out, file)], { cwd: repo }),
    ),
  );
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
await Promise.all([figures(), api()]);
console.log(
  `site: API reference, ${Object.keys(FIGURES).length} figures and the repository docs ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
