import { describe, expect, it } from 'vitest';
import { heatmap } from '../heatmap.js';
import { lineChart } from '../line-chart.js';
import { svgToPng } from './index.js';

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(new TextDecoder().decode(bytes.subarray(12, 16))).toBe('IHDR');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('@lstm/viz/node PNG output', () => {
  const svg = heatmap(
    {
      title: 'forget gate',
      values: [
        [0, 0.5, 1],
        [1, 0.5, 0],
      ],
    },
    { title: 'Gates', width: 400, panelHeight: 120 },
  );

  it('renders the size asked for (the SVG’s own, or a chosen width with the aspect kept)', () => {
    expect(pngSize(svgToPng(svg))).toEqual({ width: 400, height: 218 });
    const wide = pngSize(svgToPng(svg, { width: 800 }));
    expect(wide.width).toBe(800);
    expect(wide.height).toBe(436);
  });

  it('gives the same bytes every time (shipped font, no system fonts)', () => {
    const chart = lineChart(
      [
        {
          name: 'loss',
          points: [
            [1, 2],
            [2, 1],
            [3, 0.5],
          ],
        },
      ],
      { title: 'Loss', xLabel: 'epoch', yLabel: 'loss' },
    );
    expect(Buffer.from(svgToPng(chart)).equals(Buffer.from(svgToPng(chart)))).toBe(true);
  });
});
