import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagesWithTables, regenerate } from '../../experiments/src/tables.js';

/**
 * A results page's tables are what their commands print (issue 24): each marked table is made
 * again by its `lstm sweep report … --markdown` on the trials kept under docs/results/sweeps/.
 */
describe('the results pages', () => {
  const root = join(import.meta.dirname, '../../..');
  const pages = pagesWithTables().map((page) => relative(root, page));
  it('mark their tables with the commands that make them', () => {
    expect(pages).toContain('docs/results/whatifs.md');
  });
  it.each(pages)('%s: every table is its command’s output', { timeout: 120_000 }, async (page) => {
    const markdown = readFileSync(join(root, page), 'utf8');
    expect(await regenerate(markdown)).toBe(markdown);
  });
});
