import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Messages name options the user can type (issue 20: a too-short series was told to "use a smaller
 * --window", an option `lstm` does not have). Every `--flag` written anywhere in the CLI's and the
 * libraries' sources is an option `lstm` defines, or one of the few named here that belong to
 * other programs.
 */
const root = join(import.meta.dirname, '../../..');
const OTHER_PROGRAMS = new Set(['--help', '--filter', '--experimental-wasm-relaxed-simd']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.test(-helper)?\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !path.includes('node_modules') && !path.includes('__fixtures__'));
}

describe('option names in messages (issue 20)', () => {
  // The program's options are defined in main.ts, lstm train's in train-command.ts, the sweep's in sweep-commands.ts and the figure commands' in viz-commands.ts.
  const defined = new Set(
    ['main.ts', 'train-command.ts', 'sweep-commands.ts', 'viz-commands.ts'].flatMap((file) =>
      [...readFileSync(join(root, 'apps/cli/src', file), 'utf8').matchAll(/'(--[a-z][a-z-]*)/g)].map((m) => m[1]!),
    ),
  );

  it('reads the options lstm defines', () => {
    for (const flag of ['--task', '--seq-len', '--resume', '--threads', '--data', '--horizon']) expect(defined).toContain(flag);
  });

  it('names only options lstm has', () => {
    const files = [join(root, 'apps/cli/src'), ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src'))].flatMap(
      sources,
    );
    expect(files.length).toBeGreaterThan(50);
    const unknown = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/--[a-z][a-z-]+/g)]
        .map((m) => m[0])
        .filter((flag) => !defined.has(flag) && !OTHER_PROGRAMS.has(flag))
        .map((flag) => `${file.slice(root.length + 1)}: ${flag}`),
    );
    expect(unknown).toEqual([]);
  });
});
