import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * `@lstm/viz/node`: PNG output in Node. SVG is rasterised by resvg (`@resvg/resvg-js`, Rust
 * compiled per platform and shipped inside its npm packages) with the DejaVu Sans files of
 * `dejavu-fonts-ttf` and no system fonts, so a chart gives the same bytes on every machine.
 * Both packages are optional peers of @lstm/viz: install them where PNGs are wanted.
 */
const require = createRequire(import.meta.url);

interface ResvgModule {
  Resvg: new (
    svg: string,
    options: {
      font: { fontFiles: string[]; loadSystemFonts: boolean; defaultFontFamily: string };
      fitTo: { mode: 'width'; value: number } | { mode: 'original' };
    },
  ) => { render(): { asPng(): Uint8Array } };
}

function load(): { resvg: ResvgModule; fonts: string[] } {
  try {
    const resvg = require('@resvg/resvg-js') as ResvgModule;
    const fontDirectory = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    return { resvg, fonts: ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => join(fontDirectory, file)) };
  } catch {
    throw new Error('PNG output needs @resvg/resvg-js and dejavu-fonts-ttf: npm install @resvg/resvg-js dejavu-fonts-ttf');
  }
}

/** Renders an SVG string to PNG bytes, `width` pixels wide (default: the SVG's own width). */
export function svgToPng(svg: string, options: { width?: number } = {}): Uint8Array {
  const { resvg, fonts } = load();
  const fitTo = options.width ? ({ mode: 'width', value: options.width } as const) : ({ mode: 'original' } as const);
  const image = new resvg.Resvg(svg, { font: { fontFiles: fonts, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }, fitTo });
  return image.render().asPng();
}
