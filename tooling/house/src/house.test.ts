import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of docs/architecture.md that Biome does not state (issue 8). Each one reads
 * the real source tree, so breaking a rule anywhere fails here with the file named.
 */
const root = join(import.meta.dirname, '../../..');
const MAX_LINES = 300;

/** Every .ts file under packages/*\/src, apps/*\/src and tooling/*\/src (no fixtures, no builds). */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '__fixtures__') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(relative(root, path));
    }
  };
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const src = join(root, group, entry.name, 'src');
      try {
        walk(src);
      } catch {
        // a tooling folder without src/ (tsup, fixtures)
      }
    }
  }
  return files;
}

const isTest = (file: string) => /\.test(-helper|-d)?\.ts$/.test(file);
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const files = sourceFiles();

describe('house rules', () => {
  it('finds the source tree', () => {
    expect(files).toContain('packages/core/src/engine.ts');
    expect(files.length).toBeGreaterThan(80);
  });

  it(`keeps every source file outside tests at ${MAX_LINES} lines or fewer`, () => {
    const long = files
      .filter((f) => !isTest(f))
      .map((f) => ({ file: f, lines: read(f).split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('casts no kernel result at the op/layer/task seam (`as unknown as`)', () => {
    const seam = files.filter(
      (f) => f.startsWith('packages/core/src/ops/') || f.startsWith('packages/layers/src/') || f.startsWith('packages/tasks/src/'),
    );
    expect(seam.filter((f) => read(f).includes('as unknown as'))).toEqual([]);
  });

  it('keeps @lstm/viz free of backends and Node modules, so it runs in a browser', () => {
    const viz = files.filter((f) => f.startsWith('packages/viz/src/') && !f.startsWith('packages/viz/src/node/') && !isTest(f));
    expect(viz.length).toBeGreaterThan(3);
    const forbidden = /(from\s+|import\s*\(\s*)['"](node:|@lstm\/backend-|@lstm\/core|@resvg)/;
    expect(viz.filter((f) => forbidden.test(read(f)))).toEqual([]);
  });

  it('imports a backend from library packages only in their tests', () => {
    const libraries = files.filter((f) => /^packages\/(core|layers|optim|tasks|viz)\/src\//.test(f) && !isTest(f));
    const importsBackend = /(from\s+|import\s*\(\s*)['"]@lstm\/backend-/;
    // Code only: a TSDoc @example may show an application importing a backend.
    const code = (f: string) => read(f).replace(/\/\*[\s\S]*?\*\//g, '');
    expect(libraries.filter((f) => importsBackend.test(code(f)))).toEqual([]);
  });

  it('checks indexes: noUncheckedIndexedAccess is on, and @lstm/layers keeps at most 28 non-null assertions (issues 20, 21)', () => {
    expect(JSON.parse(read('tsconfig.base.json')).compilerOptions.noUncheckedIndexedAccess).toBe(true);
    const layers = files.filter((f) => f.startsWith('packages/layers/src/') && !isTest(f));
    const assertions = layers.reduce((sum, f) => {
      const source = ts.createSourceFile(f, read(f), ts.ScriptTarget.Latest, true);
      let count = 0;
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.NonNullExpression) count++;
        ts.forEachChild(node, visit);
      };
      visit(source);
      return sum + count;
    }, 0);
    expect(assertions).toBeLessThanOrEqual(28);
  });

  it("types the CLI's options end to end: commander's typed builder, no `any` action parameters (issue 20)", () => {
    const cli = files.filter((f) => f.startsWith('apps/cli/src/') && !isTest(f));
    expect(cli.filter((f) => /from ['"]commander['"]/.test(read(f)))).toEqual([]);
    expect(read('apps/cli/src/main.ts')).toMatch(/from '@commander-js\/extra-typings'/);
    expect(cli.filter((f) => /\.action\(\([^)]*: any/.test(read(f)))).toEqual([]);
  });
});
