// `pnpm pack:all`: every published package's tarball (`pnpm pack`: workspace: ranges become real
// versions) into one folder, tarballs/ — the install path until the packages are on the registry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'tarballs');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const folders = [...readdirSync(join(root, 'packages')).map((name) => join('packages', name)), join('apps', 'cli')];
for (const folder of folders) {
  const manifest = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: join(root, folder), stdio: ['ignore', 'ignore', 'inherit'] });
}
const written = readdirSync(out).filter((file) => file.endsWith('.tgz'));
console.log(`tarballs/: ${written.join(' ')}`);
