import { scaleDiverging, scaleSequential } from 'd3-scale';
import * as chromatic from 'd3-scale-chromatic';

/** Sequential colour maps (low → high), perceptually uniform, from d3-scale-chromatic. */
export const SEQUENTIAL = {
  viridis: chromatic.interpolateViridis,
  magma: chromatic.interpolateMagma,
  inferno: chromatic.interpolateInferno,
  plasma: chromatic.interpolatePlasma,
  cividis: chromatic.interpolateCividis,
  blues: chromatic.interpolateBlues,
  greys: chromatic.interpolateGreys,
} as const;

/** Diverging colour maps (negative ↔ 0 ↔ positive). */
export const DIVERGING = {
  RdBu: (t: number) => chromatic.interpolateRdBu(1 - t), // blue for negative, red for positive
  PuOr: chromatic.interpolatePuOr,
  BrBG: chromatic.interpolateBrBG,
} as const;

export type ColorMapName = keyof typeof SEQUENTIAL | keyof typeof DIVERGING;
export const COLOR_MAPS = [...Object.keys(SEQUENTIAL), ...Object.keys(DIVERGING)] as ColorMapName[];

/** Tableau 10, for lines and bars (d3-scale-chromatic's schemeTableau10). */
export const CATEGORICAL: readonly string[] = chromatic.schemeTableau10;

/**
 * A value → colour function over `domain` ([min, max], or [min, 0, max] centred for diverging
 * maps). Values outside the domain take the end colours; NaN is grey.
 */
export function colorScale(name: ColorMapName, domain: readonly number[]): (value: number) => string {
  if (!COLOR_MAPS.includes(name)) throw new RangeError(`unknown colour map '${name}'; known: ${COLOR_MAPS.join(', ')}`);
  const [low, high] = [domain[0]!, domain.at(-1)!];
  const scale =
    name in DIVERGING
      ? scaleDiverging(DIVERGING[name as keyof typeof DIVERGING]).domain([low, domain.length === 3 ? domain[1]! : (low + high) / 2, high])
      : scaleSequential(SEQUENTIAL[name as keyof typeof SEQUENTIAL]).domain([low, high]);
  scale.clamp(true);
  return (value) => (Number.isNaN(value) ? '#bbbbbb' : toHex(scale(value)));
}

/** `rgb(r, g, b)` (d3's output) as `#rrggbb`, shorter and the same in every renderer. */
export function toHex(color: string): string {
  const match = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color);
  if (!match) return color;
  return `#${match
    .slice(1, 4)
    .map((c) => Number(c).toString(16).padStart(2, '0'))
    .join('')}`;
}

/** [r, g, b] of `#rrggbb`. */
export function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
