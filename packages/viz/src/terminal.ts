import { type ColorMapName, colorScale, rgbOf } from './color.js';

/** How a terminal shows colour: 24-bit escapes, or plain characters (NO_COLOR, not a TTY). */
export interface TerminalOptions {
  /** Columns available; the preview never exceeds it (default 80). */
  width?: number;
  /** false for plain ASCII (honour NO_COLOR by passing `useColor()`); default true. */
  color?: boolean;
  colorMap?: ColorMapName;
  domain?: [number, number];
}

/** Whether to use colour: a TTY and no NO_COLOR in the environment (no-color.org). */
export function useColor(stream: { isTTY?: boolean } = {}, env: Record<string, string | undefined> = {}): boolean {
  return Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

const ASCII_RAMP = ' .:-=+*#%@';
const BLOCKS = '▁▂▃▄▅▆▇█';

/** Columns of `row` reduced to at most `width` by averaging neighbours. */
function resample(row: readonly number[], width: number): number[] {
  if (row.length <= width) return [...row];
  return Array.from({ length: width }, (_, i) => {
    const start = Math.floor((i * row.length) / width);
    const end = Math.max(start + 1, Math.floor(((i + 1) * row.length) / width));
    const part = row.slice(start, end);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
}

function extentOf(values: readonly (readonly number[])[]): [number, number] {
  const finite = values.flat().filter(Number.isFinite);
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  return finite.length === 0 ? [0, 1] : low === high ? [low - 0.5, high + 0.5] : [low, high];
}

/**
 * A heatmap for the terminal, `values[row][column]`: with colour, two rows per line in upper
 * half blocks (foreground = upper row, background = lower row); without, one ASCII shade per
 * cell. Wide inputs are averaged down to `width` columns. Returns the lines.
 */
export function terminalHeatmap(values: readonly (readonly number[])[], options: TerminalOptions = {}): string[] {
  const width = Math.max(1, options.width ?? 80);
  const domain = options.domain ?? extentOf(values);
  const rows = values.map((row) => resample(row, width));
  if (options.color === false) {
    const shade = (v: number) => {
      if (!Number.isFinite(v)) return '?';
      const t = Math.min(1, Math.max(0, (v - domain[0]) / (domain[1] - domain[0])));
      return ASCII_RAMP[Math.min(ASCII_RAMP.length - 1, Math.floor(t * ASCII_RAMP.length))]!;
    };
    return rows.map((row) => row.map(shade).join(''));
  }
  const color = colorScale(options.colorMap ?? 'viridis', domain);
  const lines: string[] = [];
  for (let r = 0; r < rows.length; r += 2) {
    const upper = rows[r]!;
    const lower = rows[r + 1];
    let line = '';
    for (let c = 0; c < upper.length; c++) {
      const [fr, fg, fb] = rgbOf(color(upper[c]!));
      line += `\x1b[38;2;${fr};${fg};${fb}m`;
      if (lower) {
        const [br, bg, bb] = rgbOf(color(lower[c] ?? Number.NaN));
        line += `\x1b[48;2;${br};${bg};${bb}m`;
      }
      line += '▀';
    }
    lines.push(`${line}\x1b[0m`);
  }
  return lines;
}

/**
 * A one-line sparkline of `values`, averaged down to `width` characters. Give several lines one
 * `domain` (and `scale: 'log'` for losses) so they compare: each is otherwise scaled to its own range.
 */
export function sparkline(
  values: readonly number[],
  options: Omit<TerminalOptions, 'colorMap'> & { scale?: 'linear' | 'log' } = {},
): string {
  const width = Math.max(1, options.width ?? 80);
  const log = options.scale === 'log';
  // On a log scale, blocks are placed by log10 of the value (values ≤ 0 are left blank).
  const toScale = (v: number) => (log ? (v > 0 ? Math.log10(v) : Number.NaN) : v);
  const points = resample(values, width).map(toScale);
  const [low, high] = options.domain ? (options.domain.map(toScale) as [number, number]) : extentOf([points]);
  const ramp = options.color === false ? ASCII_RAMP.slice(1) : BLOCKS;
  return points
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const t = Math.min(1, Math.max(0, (v - low) / (high - low)));
      return ramp[Math.min(ramp.length - 1, Math.floor(t * ramp.length))]!;
    })
    .join('');
}

/** The width a string takes in a terminal: escapes take none. */
export function visibleWidth(line: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour escapes are exactly what this removes
  return [...line.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
