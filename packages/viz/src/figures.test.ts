import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.js';
import { cellDiagram, cellEquations, DIAGRAM_CELLS } from './cell-diagram.js';
import { gateFigure, gatePanels } from './gates.js';
import { binMagnitudes, bulkDecades, histogramGrid } from './histogram-grid.js';
import { lineChart } from './line-chart.js';
import { stackDiagram } from './stack-diagram.js';
import { stripChart } from './strip-chart.js';
import { structuralProblems, textBoxes } from './structure.test-helper.js';
import { decade, formatValue, gateScale, GATE_ORDER, logAxis, runColor, SPLITS } from './style.js';
import { sideBySide } from './svg.js';
import { sparkline, visibleWidth } from './terminal.js';
import { terminalSaliency } from './text-saliency.js';

const count = (svg: string, name: string) => svg.split(`class="${name}"`).length - 1;

describe('the visual language (style.ts)', () => {
  it('labels decades as a reader writes them', () => {
    expect([-6, -1, 0, 1, 2, 12].map(decade)).toEqual(['10⁻⁶', '10⁻¹', '1', '10', '10²', '10¹²']);
    expect(formatValue(3.2e-7)).toBe('3.2×10⁻⁷');
    expect(formatValue(0.25, true)).toBe('25.0 %');
    expect(formatValue(24.54)).toBe('24.5');
  });

  it('ticks log axes at decades only, widened to whole decades, thinned past eight', () => {
    const axis = logAxis([0.03, 7], [100, 0]);
    expect(axis.ticks()).toEqual([0.01, 0.1, 1, 10]);
    expect(axis(0.01)).toBeCloseTo(100, 9);
    expect(axis(10)).toBeCloseTo(0, 9);
    const wide = logAxis([1e-15, 2], [100, 0]).ticks();
    expect(wide.length).toBeLessThanOrEqual(9);
    for (const t of wide) expect(Math.log10(t)).toBeCloseTo(Math.round(Math.log10(t)), 9);
    expect(logAxis([1e-15, 2], [100, 0]).tickFormat()(1e-14)).toBe('10⁻¹⁴');
    // Nothing positive to show (a chart before its first point): one decade, not an error.
    expect(logAxis([0, 0], [100, 0]).ticks()).toEqual([0.1, 1]);
    expect(logAxis([Number.NaN, Number.NaN], [100, 0]).ticks()).toEqual([0.1, 1]);
  });

  it('puts sigmoid gates on 0…1 and candidates and states on diverging scales around 0', () => {
    for (const g of ['i', 'f', 'o', 'r', 'z']) expect(gateScale(g)).toMatchObject({ domain: [0, 1], colorMap: 'viridis' });
    for (const g of ['g', 'n', 'h']) expect(gateScale(g)).toMatchObject({ domain: [-1, 1], colorMap: 'RdBu' });
    expect(gateScale('c', [[0.2, -3.1]]).domain).toEqual([-3.5, 3.5]);
    expect(gateScale('c', [[0.2, -0.3]]).domain).toEqual([-1, 1]);
  });

  it('orders gates as PyTorch packs them, then the states', () => {
    const grid = (v: number) => [[v, v]];
    const panels = gatePanels({ cell: 'lstm', gates: { o: grid(0.5), g: grid(0), f: grid(0.9), i: grid(0.1) }, c: grid(2), h: grid(0.1) });
    expect(panels.map((p) => p.title)).toEqual([
      'input gate i',
      'forget gate f',
      'candidate g',
      'output gate o',
      'cell state c',
      'hidden state h',
    ]);
    expect(GATE_ORDER.gru).toEqual(['r', 'z', 'n']);
    // A colour bar per run of panels on one scale: i f | g | o | c | h.
    expect(
      count(
        gateFigure(
          { cell: 'lstm', gates: { i: grid(0.1), f: grid(0.9), g: grid(0), o: grid(0.5) }, c: grid(2), h: grid(0.1) },
          { title: 'g' },
        ),
        'color-bar',
      ),
    ).toBe(5);
  });
});

describe('line and bar charts', () => {
  const points = (scale: number) => [1, 2, 3].map((e) => [e, scale / e] as const);

  it('draws each series in its colour and dash, labelled reference lines, and the legend it is given', () => {
    const svg = lineChart(
      [
        { name: 'a train', points: points(1), color: runColor(0), dashed: SPLITS.train.dash },
        { name: 'a test', points: points(0.8), color: runColor(0) },
      ],
      {
        title: 'loss',
        xLabel: 'epoch',
        yLabel: 'loss',
        yScale: 'log',
        references: [{ y: 0.5, label: 'chance 0.5' }],
        legend: [{ name: 'a', color: runColor(0) }],
        markers: [{ x: 2, label: 'kept: epoch 2', color: runColor(0) }],
      },
    );
    expect(count(svg, 'series')).toBe(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(count(svg, 'reference')).toBe(1);
    expect(svg).toContain('chance 0.5');
    expect(count(svg, 'legend-entry')).toBe(1);
    expect(svg).not.toMatch(/\de[+-]\d/); // no 1e-1 or 2e+0 anywhere
    expect(structuralProblems(svg)).toEqual([]);
  });

  it('draws bars in one colour with a dashed reference', () => {
    const svg = barChart(
      [0.1, 1, 10].map((t) => ({ label: String(t), value: Math.min(t, 5) })),
      { title: 'clipping', xLabel: 'threshold', yLabel: 'norm', references: [{ y: 5, label: 'before 5' }] },
    );
    expect(new Set([...svg.matchAll(/class="bar"[^>]*fill="([^"]+)"/g)].map((m) => m[1])).size).toBe(1);
    expect(count(svg, 'reference')).toBe(1);
    expect(structuralProblems(svg)).toEqual([]);
  });

  it('places charts in a grid under one title', () => {
    const chart = (t: string) =>
      lineChart([{ name: 's', points: points(1) }], { title: t, xLabel: 'x', yLabel: 'y', width: 300, height: 200 });
    const svg = sideBySide([chart('a'), chart('b'), chart('c')], 'three', 2);
    expect(svg).toMatch(/^<svg [^>]*width="600" height="430"/);
    expect(svg).toContain('<svg x="300" y="30"');
    expect(svg).toContain('<svg x="0" y="230"');
    expect(structuralProblems(svg)).toEqual([]);
  });
});

describe('gradient histograms', () => {
  it('bins log magnitudes, counts zeros apart, and finds the decades of the bulk', () => {
    expect(binMagnitudes([0, 0, 1e-3, -2e-3, 5e-2, 1e-9], -3, -1, 4)).toEqual({
      counts: [3, 0, 0, 1], // the tails go to the end bins
      zeros: 2,
    });
    const column = Array.from({ length: 1000 }, (_, k) => 10 ** (-4 + (2 * k) / 999));
    expect(bulkDecades([{ columns: [column] }])).toEqual([-4, -2]);
    const svg = histogramGrid(
      [
        [{ columns: [column, [0, 0, 1e-3]] }, { columns: [column, column] }],
        [{ columns: [column, column] }, { columns: [column, column] }],
      ],
      { title: 'grid', rows: ['h', 'c'], columns: ['epoch 0', 'epoch 10'] },
    );
    expect(count(svg, 'panel')).toBe(4);
    expect(count(svg, 'zero-cell')).toBe(8);
    expect(svg).toMatch(/class="zero-cell" x="70" y="238"[^>]*data-value="2"/); // two of the three values one step back are 0
    expect(structuralProblems(svg)).toEqual([]);
  });
});

describe('cell diagrams', () => {
  it('draws every cell kind within its canvas, with its equations', () => {
    for (const cell of DIAGRAM_CELLS) {
      const svg = cellDiagram(cell);
      expect(structuralProblems(svg), cell).toEqual([]);
      for (const line of cellEquations(cell)) expect(svg).toContain(line.replace(/&/g, '&amp;'));
    }
    expect(cellEquations('coupled')).toContain('i = 1 − f');
    expect(cellDiagram('peephole').match(/stroke-dasharray="4 3"/g)).toHaveLength(3);
  });

  it("draws an LSTM of any form: Greff's variants, pinned gates, complements, FGR (core's LstmForm)", () => {
    const vanilla = { i: 'learned', f: 'learned', o: 'learned', peephole: true, inputActivation: 'tanh', cellActivation: 'tanh' } as const;
    const forms = {
      nig: { ...vanilla, i: 1 },
      nfg: { ...vanilla, f: 1 },
      nog: { ...vanilla, o: 1 },
      niaf: { ...vanilla, inputActivation: 'identity' },
      noaf: { ...vanilla, cellActivation: 'identity' },
      cifg: { ...vanilla, f: 'complement' },
      fgr: { ...vanilla, gateRecurrence: true },
      'standard, f pinned to 0.5': { ...vanilla, peephole: false, f: 0.5 },
    } as const;
    for (const [name, form] of Object.entries(forms)) {
      const svg = cellDiagram(form);
      expect(structuralProblems(svg), name).toEqual([]);
      for (const line of cellEquations(form)) expect(svg, name).toContain(line.replace(/&/g, '&amp;'));
    }
    const gatesOf = (svg: string) => [...svg.matchAll(/data-gate="(\w)"/g)].map((m) => m[1]).sort();
    const opsOf = (svg: string) => [...svg.matchAll(/<g class="op">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(gatesOf(cellDiagram(forms.nig))).toEqual(['f', 'g', 'o']); // i = 1 has no block…
    expect(opsOf(cellDiagram(forms.nig))).toContain('1'); // …but a circle with its constant
    expect(cellEquations(forms.nig)).toContain('i = 1 (pinned)');
    expect(cellEquations(forms['standard, f pinned to 0.5'])).toContain('f = 0.5 (pinned)');
    expect(cellEquations(forms.cifg)).toContain('f = 1 − i');
    expect(opsOf(cellDiagram(forms.cifg))).toContain('1−');
    expect(cellEquations(forms.noaf)).toContain('h_t = o ⊙ c_t');
    expect(opsOf(cellDiagram(forms.noaf))).not.toContain('tanh');
    expect(cellEquations(forms.niaf)).toContain('g = W_g x + U_g h_{t−1} + b_g');
    expect(cellDiagram(forms.niaf)).toMatch(/>g<\/text>/); // the candidate block without a squashing
    expect(cellEquations(forms.fgr)[0]).toBe('f = σ(W_f x + U_f h_{t−1} + p_f ⊙ c_{t−1} + R_f [i, f, o]_{t−1} + b_f)');
    // Peepholes reach only the learned gates; FGR adds a dashed loop back into i, f and o.
    expect(cellDiagram(forms.nog).match(/stroke-dasharray="4 3"/g)).toHaveLength(2);
    expect(cellDiagram(forms.fgr).match(/stroke-dasharray="4 3"/g)).toHaveLength(3 + 4);
    expect(cellDiagram(forms.fgr)).toContain('[i, f, o]_{t−1}');
  });

  it('x-rays a step: values on the wires, gates coloured by activation, the kept line as thick as f', () => {
    const values = {
      f: [0.9],
      i: [0.2],
      g: [-0.5],
      o: [0.7],
      c_prev: [1],
      fc: [0.9],
      ig: [-0.1],
      c: [0.8],
      tanh_c: [0.66],
      h: [0.46],
      h_prev: [0.2],
      x: [1],
    };
    const svg = cellDiagram('lstm', { values, units: [1] });
    expect(svg).toContain('data-gate="f" data-value="0.9"');
    expect(svg).toContain('data-name="c" data-value="0.8"');
    expect(svg).toMatch(/stroke-width="7\.3" [^>]*data-wire="fc"/); // 1 + 7 × 0.9
    const closed = cellDiagram('lstm', { values: { ...values, f: [0.1] }, units: [1] });
    expect(closed).toMatch(/stroke-width="1\.7" [^>]*data-wire="fc"/);
    expect(structuralProblems(svg)).toEqual([]);
  });

  it('unrolls stacks in time, bidirectional layers joined', () => {
    const stack = stackDiagram({ cell: 'GRU', layers: 3, steps: 4 });
    expect(count(stack, 'cell-box')).toBe(12);
    expect(count(stack, 'state')).toBe(3 * 3);
    const both = stackDiagram({ cell: 'LSTM', layers: 2, bidirectional: true });
    expect(count(both, 'cell-box')).toBe(12);
    expect(count(both, 'concat')).toBe(6);
    expect(structuralProblems(stack)).toEqual([]);
    expect(structuralProblems(both)).toEqual([]);
  });
});

describe('structural checks', () => {
  it('catch text off the canvas, overlapping labels and an unlabelled axis', () => {
    const bad =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" font-size="11">' +
      '<text x="90" y="20">far too long a label</text><text x="10" y="40">one</text><text x="12" y="41">two</text>' +
      '<g class="axis x"><line x1="0" x2="10" y1="0" y2="0"/></g></svg>';
    const problems = structuralProblems(bad);
    expect(problems.some((p) => p.startsWith('text outside'))).toBe(true);
    expect(problems).toContain('texts overlap: "one" and "two"');
    expect(problems).toContain('axis 1 has no label');
    // A rotated label is measured rotated: tall and narrow.
    const [box] = textBoxes(
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text x="50" y="50" transform="rotate(-90 50 50)">abcdefghij</text></svg>',
    ).boxes;
    expect(box!.bottom - box!.top).toBeGreaterThan(box!.right - box!.left);
  });

  it('terminal connectivity paints each character on its saliency colour, with a key', () => {
    const [line, key] = terminalSaliency(['a', ' ', 'b'], [0, 0.5, 1], { color: true, predicted: 'c' });
    expect(visibleWidth(line!)).toBe('a·b [c]'.length);
    expect(line).toContain('\x1b[48;2;255;255;255m'); // cold: transparent over white
    expect(line!.split('\x1b[48;2;')).toHaveLength(4); // three backgrounds
    expect(key).toMatch(/^key: cold .* hot/);
  });

  it('terminal lines share a scale when given one', () => {
    // 10 is half way between 1 and 100 on a log scale: the middle of the nine-character ramp.
    expect(sparkline([1, 10, 100], { domain: [1, 100], scale: 'log', color: false })).toBe('.+@');
    expect(sparkline([1, 10], { domain: [1, 100], scale: 'log', color: false })).toBe('.+');
    expect(sparkline([1, 10], { color: false })).toBe('.@'); // each line on its own range otherwise
  });
});

describe('strip chart', () => {
  it('draws every trial as a dot, each mean and its interval, labels on lines of their own, within the canvas', () => {
    const svg = stripChart(
      [
        { label: 'variant=standard lr=0.01', values: [0.5, 0.52, 0.5], mean: 0.5067, low: 0.48, high: 0.53, baseline: true },
        { label: 'variant=nfg lr=0.01', values: [0.4, 0.45, 0.41], mean: 0.42, low: 0.35, high: 0.49 },
        { label: 'variant=cifg lr=0.01', values: [0.6], mean: 0.6 },
      ],
      { title: 'best_test_accuracy', yLabel: 'best_test_accuracy' },
    );
    expect(svg.match(/class="trial"/g)).toHaveLength(7);
    expect(svg.match(/class="mean"/g)).toHaveLength(3);
    expect(svg.match(/class="interval"/g)).toHaveLength(2); // no interval from one value
    expect(svg).toContain('data-value="0.42"');
    expect(svg).toContain('>lr=0.01<');
    expect(structuralProblems(svg)).toEqual([]);
    expect(() => stripChart([], { title: 't', yLabel: 'y' })).toThrow(RangeError);
  });

  it('draws a loss over decades on a log axis; an interval reaching below 0 stops at its floor', () => {
    const strips = [
      { label: 'lstm', values: [0.004, 0.14], mean: 0.072, low: -0.79, high: 0.93, baseline: true },
      { label: 'ln-lstm', values: [0.0003, 0.0004], mean: 0.00035, low: 0.0003, high: 0.0004 },
    ];
    const svg = stripChart(strips, { title: 'best_test_loss', yLabel: 'best_test_loss', yScale: 'log' });
    const ys = [...svg.matchAll(/class="trial" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Equal ratios, equal distances: 0.004 → 0.14 is 1.54 decades, 0.0003 → 0.0004 is 0.125.
    expect((ys[0]! - ys[1]!) / (ys[2]! - ys[3]!)).toBeCloseTo(Math.log10(0.14 / 0.004) / Math.log10(0.0004 / 0.0003), 1); // coordinates are rounded to 0.01 px
    expect(svg).toContain('>10⁻⁴<');
    const [, low] = /class="interval" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/.exec(svg)!;
    const bottom = Math.max(...[...svg.matchAll(/class="tick"><line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/g)].map((m) => Number(m[1])));
    expect(Number(low)).toBeCloseTo(bottom, 6);
    expect(structuralProblems(svg)).toEqual([]);
  });
});
