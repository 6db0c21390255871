import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '@lstm/viz/node';
import { GALLERY, GALLERY_PNG } from './pictures.test-helper.js';

/**
 * `pnpm gallery`'s last step (not part of the lstm command): renders every docs/gallery/*.svg to
 * docs/gallery/png/NAME.png, the images the picture tests compare with, and removes stale diffs.
 */
mkdirSync(GALLERY_PNG, { recursive: true });
for (const file of readdirSync(GALLERY_PNG)) if (file.endsWith('.diff.png')) rmSync(join(GALLERY_PNG, file));
const figures = readdirSync(GALLERY).filter((file) => file.endsWith('.svg'));
for (const file of figures)
  writeFileSync(join(GALLERY_PNG, file.replace(/\.svg$/, '.png')), svgToPng(readFileSync(join(GALLERY, file), 'utf8')));
process.stderr.write(`rendered ${figures.length} figures to ${GALLERY_PNG}\n`);
