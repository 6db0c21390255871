/**
 * The results pages' tables, made by the command their marker names:
 *
 *   <!-- table: lstm sweep report docs/results/sweeps/NAME --baseline cell=vanilla --markdown -->
 *   | … the command's output … |
 *   <!-- /table -->
 *
 * `pnpm --filter @lstm/experiments tables` runs each command (from the repository's root, on the
 * trials.jsonl kept under docs/results/sweeps/) and rewrites what stands between the markers;
 * tooling/house checks that doing so changes nothing, so a page's table is its command's output.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docs, root } from './runs.js';

const MARKER = /(<!-- table: lstm ([^>]+?) -->\n)([\s\S]*?)(<!-- \/table -->)/g;
const run = promisify(execFile);
const main = join(root, 'apps', 'cli', 'src', 'main.ts');

/** `lstm ARGS`'s standard output, run from the repository's root. */
async function lstm(args: string[]): Promise<string> {
  const tsx = import.meta.resolve('tsx');
  const { stdout } = await run(process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return stdout;
}

/** A page with every marked table made again by its command. */
export async function regenerate(markdown: string): Promise<string> {
  const blocks = [...markdown.matchAll(MARKER)];
  const outputs = await Promise.all(blocks.map((m) => lstm(m[2]!.trim().split(/\s+/))));
  let k = 0;
  return markdown.replace(MARKER, (_all, open: string, _command: string, _body: string, close: string) => `${open}${outputs[k++]}${close}`);
}

/** The results pages that hold marked tables. */
export function pagesWithTables(): string[] {
  return readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docs, f))
    .filter((path) => readFileSync(path, 'utf8').includes('<!-- table: lstm '));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const page of pagesWithTables()) {
    writeFileSync(page, await regenerate(readFileSync(page, 'utf8')));
    console.log(`wrote ${page}`);
  }
}
