import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svgToPng } from '@lstm/viz/node';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/**
 * Test helper (not part of the package): pictures compared as pictures. Every figure of
 * docs/gallery/ has a committed PNG in docs/gallery/png/; a figure rendered now (resvg, the
 * bundled DejaVu fonts) must match it within a small tolerance, or a diff image is written beside
 * the committed one. `pnpm gallery` regenerates both, which is how a change is accepted.
 */
export const GALLERY = fileURLToPath(new URL('../../../docs/gallery/', import.meta.url));
export const GALLERY_PNG = join(GALLERY, 'png');

/** The tolerance: pixelmatch's colour threshold, and the share of pixels that may differ (anti-aliasing). */
export const TOLERANCE = { threshold: 0.1, share: 0.0005 };

export interface Comparison {
  /** Pixels that differ beyond the threshold, and all pixels. */
  mismatched: number;
  total: number;
  /** Where the diff image went (only when the pictures differ). */
  diff?: string;
  /** A one-line verdict for a failed expectation. */
  message: string;
}

export function decodePng(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

/** Compares the rendering of `svg` with `expected` PNG bytes; writes `diffPath` when they differ. */
export function comparePictures(svg: string, expected: Uint8Array, diffPath: string): Comparison {
  const actual = decodePng(svgToPng(svg));
  const reference = decodePng(expected);
  const total = reference.width * reference.height;
  if (actual.width !== reference.width || actual.height !== reference.height) {
    return { mismatched: total, total, message: `size ${actual.width}×${actual.height}, committed ${reference.width}×${reference.height}` };
  }
  const diff = new PNG({ width: reference.width, height: reference.height });
  const mismatched = pixelmatch(actual.data, reference.data, diff.data, reference.width, reference.height, {
    threshold: TOLERANCE.threshold,
  });
  if (mismatched <= TOLERANCE.share * total) return { mismatched, total, message: 'same picture' };
  mkdirSync(join(diffPath, '..'), { recursive: true });
  writeFileSync(diffPath, PNG.sync.write(diff));
  return {
    mismatched,
    total,
    diff: diffPath,
    message: `${mismatched} of ${total} pixels differ (tolerance ${Math.floor(TOLERANCE.share * total)}); see ${diffPath}, and run pnpm gallery to accept the change`,
  };
}

/** Compares a figure rendered now with its committed PNG, docs/gallery/png/NAME.png. */
export function compareWithGallery(name: string, svg: string): Comparison {
  const committed = join(GALLERY_PNG, `${name}.png`);
  if (!existsSync(committed)) return { mismatched: 1, total: 1, message: `no committed ${committed}; run pnpm gallery` };
  return comparePictures(svg, readFileSync(committed), join(GALLERY_PNG, `${name}.diff.png`));
}
