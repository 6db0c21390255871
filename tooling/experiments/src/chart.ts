/** A minimal SVG line chart for the result pages (no dependencies, stable output for diffs). */
export interface Line {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  yMin?: number;
  yMax?: number;
  /** Horizontal reference lines, e.g. a baseline. */
  references?: { y: number; label: string; color: string }[];
  log?: boolean;
}

const W = 720,
  H = 360,
  left = 64,
  right = 180,
  top = 36,
  bottom = 48;

function ticks(min: number, max: number, count: number): number[] {
  const step = 10 ** Math.floor(Math.log10((max - min) / count));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (max - min) / s <= count) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-12; v += nice) out.push(Number(v.toPrecision(12)));
  return out;
}

export function lineChart(lines: Line[], o: ChartOptions): string {
  const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
  const f = (v: number) => (o.log ? Math.log10(v) : v);
  const ys = lines.flatMap((l) => l.points.map((p) => f(p[1]))).concat((o.references ?? []).map((r) => f(r.y)));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = o.yMin !== undefined ? f(o.yMin) : Math.min(...ys);
  const y1 = o.yMax !== undefined ? f(o.yMax) : Math.max(...ys);
  const px = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * (W - left - right);
  const py = (y: number) => top + (1 - (f(y) - y0) / (y1 - y0 || 1)) * (H - top - bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - right / 2 + left / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${o.title}</text>`,
  ];
  for (const t of ticks(x0, x1, 10)) {
    out.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`,
      `<text x="${px(t)}" y="${H - bottom + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  const yTicks = o.log ? ticks(y0, y1, 6).map((e) => 10 ** e) : ticks(y0, y1, 8);
  for (const t of yTicks) {
    out.push(
      `<line x1="${left}" x2="${W - right}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`,
      `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${Number(t.toPrecision(3))}</text>`,
    );
  }
  out.push(`<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">${o.xLabel}</text>`);
  out.push(`<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${o.yLabel}</text>`);
  for (const r of o.references ?? []) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="${r.color}" stroke-dasharray="2 3"/>`);
  }
  const legend = [
    ...lines.map((l) => ({ label: l.name, color: l.color, dashed: l.dashed })),
    ...(o.references ?? []).map((r) => ({ label: r.label, color: r.color, dashed: true })),
  ];
  for (const l of lines) {
    const d = l.points.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.8"${l.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (l.points.length < 12)
      for (const [x, y] of l.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${l.color}"/>`);
  }
  legend.forEach((l, i) => {
    const y = top + 10 + i * 20;
    out.push(
      `<line x1="${W - right + 12}" x2="${W - right + 36}" y1="${y}" y2="${y}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${W - right + 42}" y="${y + 4}">${l.label}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
