import { readFileSync, readdirSync } from 'node:fs';
import { structuralProblems } from '../../../packages/viz/src/structure.test-helper.ts';
for (const f of readdirSync('/tmp/v').filter((f) => f.endsWith('.svg'))) {
  const p = structuralProblems(readFileSync(`/tmp/v/${f}`, 'utf8'));
  console.log(f, p.length, p.slice(0, 4).join(' | '));
}
