import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every citation of the specification resolves (issue 20): `spec §N.M`, experiments `E1`…`E5` with
 * their parts (`E2c–d`), and the source articles `article A0`… must each name something that
 * docs/spec.md defines; the old `SPEC` and `seed 00N` references, which pointed at files the
 * project does not have, must be gone. Read from every file git tracks: Markdown, the site,
 * TSDoc and code, scripts, and the figures' SVG titles.
 */
const root = join(import.meta.dirname, '../../..');
const spec = readFileSync(join(root, 'docs/spec.md'), 'utf8');

/** What docs/spec.md defines: its numbered sections, experiments and their parts, and articles. */
export function definitions(text: string) {
  const sections = new Set([...text.matchAll(/^#{2,4} §(\d+(?:\.\d+)*) /gm)].map((m) => m[1]!));
  const experiments = new Set([...text.matchAll(/^### (E\d+) — /gm)].map((m) => m[1]!));
  const parts = new Set([...text.matchAll(/\*\*(E\d+[a-z])\*\*/g)].map((m) => m[1]!));
  const articles = new Set([...text.matchAll(/^\| (A\d+) +\|/gm)].map((m) => m[1]!));
  return { sections, experiments, parts, articles };
}

/** Every citation in a text that points nowhere, given the definitions. */
export function unresolved(text: string, defined: ReturnType<typeof definitions>): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/\bspec §(\d+(?:\.\d+)*)/g)) if (!defined.sections.has(m[1]!)) bad.push(m[0]);
  for (const m of text.matchAll(/\bE(\d+)([a-z](?:[–-][a-z])?)?\b/g)) {
    const experiment = `E${m[1]}`;
    if (!defined.experiments.has(experiment)) {
      bad.push(m[0]);
      continue;
    }
    if (!m[2]) continue;
    const [from, to = from] = m[2].split(/[–-]/) as [string, string?];
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) {
      if (!defined.parts.has(`${experiment}${String.fromCharCode(c)}`)) bad.push(m[0]);
    }
  }
  for (const m of text.matchAll(/\barticle (A\d+)/g)) if (!defined.articles.has(m[1]!)) bad.push(m[0]);
  for (const m of text.matchAll(/\bSPEC\b(?!_)|\bseed 00\d\b|SPEC\.md/g)) bad.push(m[0]);
  return bad;
}

const TEXT = /\.(md|ts|vue|svg|sh|py|json|yaml|html)$/;

describe('citations of the specification (issue 20)', () => {
  const defined = definitions(spec);

  it('docs/spec.md defines numbered sections, E1–E5 with the parts cited, and the five articles', () => {
    expect([...defined.sections]).toEqual(expect.arrayContaining(['1', '2', '2.1', '2.4', '3', '4', '4.2', '4.5', '5', '5.1']));
    expect([...defined.experiments]).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
    expect([...defined.parts]).toEqual(['E2a', 'E2b', 'E2c', 'E2d', 'E2e', 'E2f']);
    expect([...defined.articles]).toEqual(['A0', 'A1', 'A2', 'A3', 'A4']);
  });

  it('finds a citation that points nowhere (the check can fail)', () => {
    expect(unresolved('see spec §9.9, E7, E2g–h, article A9, SPEC §1 and seed 003', defined)).toEqual([
      'spec §9.9',
      'E7',
      'E2g–h',
      'E2g–h',
      'article A9',
      'SPEC',
      'seed 003',
    ]);
    expect(unresolved('spec §4.5, E2c–d, E1, article A3, SPEC_VERSION, 1E5, E2E', defined)).toEqual([]);
  });

  it('every file git tracks cites only what docs/spec.md defines', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => TEXT.test(file) && file !== 'pnpm-lock.yaml' && file !== 'tooling/house/src/citations.test.ts');
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((file) => unresolved(readFileSync(join(root, file), 'utf8'), defined).map((c) => `${file}: ${c}`));
    expect(problems).toEqual([]);
  });
});
