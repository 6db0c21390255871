import { basename, join } from 'node:path';
import { decodeSafetensors } from '@lstm/layers';
import { writeFileAtomic } from '@lstm/tasks/node';
import { escapeXml, formatValue, gateFigure, type GateActivity } from '@lstm/viz';
import { UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { curvesChart, readRun } from './viz-curves.js';
import { histogramFigure, histogramRun, readRecordings, type RecordedEpoch } from './viz-run.js';
import { activityOf } from './viz.js';

/** The model file's stored JSON blocks (architecture, task, training), parsed; {} where absent. */
function storedBlocks(run: string): Record<string, Record<string, unknown>> {
  try {
    const { metadata } = decodeSafetensors(readUserFile(join(run, 'model.safetensors')), run);
    const blocks: Record<string, Record<string, unknown>> = {};
    for (const key of ['architecture', 'task', 'training']) {
      const raw = metadata[`lstm.${key}`];
      if (raw !== undefined) blocks[key] = JSON.parse(raw) as Record<string, unknown>;
    }
    return blocks;
  } catch {
    return {};
  }
}

/** A value of the configuration as a reader wants it: numbers short, lists joined, objects flattened. */
function cellText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatValue(value);
  if (Array.isArray(value)) return value.length > 12 ? `${value.length} values` : value.map(cellText).join(', ');
  if (value !== null && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${cellText(v)}`)
      .join('; ');
  return String(value);
}

/** The configuration as one table per block: setting | value. */
function configurationTables(blocks: Record<string, Record<string, unknown>>): string {
  const entries = Object.entries(blocks);
  if (entries.length === 0) return '<p>No model.safetensors in the run folder.</p>';
  return entries
    .map(
      ([block, fields]) =>
        `<table><caption>${escapeXml(block)}</caption>${Object.entries(fields)
          .filter(([k]) => k !== 'model' && k !== 'metrics')
          .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(cellText(v))}</td></tr>`)
          .join('')}</table>`,
    )
    .join('\n');
}

/** Layer 1's gates, cell and hidden states on validation sequence 0 at one recorded epoch. */
function recordedActivity(recording: RecordedEpoch): GateActivity | null {
  const gates = recording.tensors['gates.l0'];
  if (!gates) return null;
  const [, T, GH] = gates.shape as [number, number, number];
  const names = recording.gateNames;
  const H = GH / names.length;
  const cells = recording.tensors['cells.l0'];
  const hidden = recording.tensors['hidden.l0'];
  return activityOf(
    { gateNames: names, constantGates: recording.constantGates, gates: gates.data, cells: cells?.data, hidden: hidden?.data },
    { steps: T, hidden: H, units: Array.from({ length: Math.min(8, H) }, (_, u) => u) },
  );
}

/** Gates at every recorded epoch, one figure each, and a slider that shows one at a time. */
function gatesByEpoch(recordings: readonly RecordedEpoch[]): string {
  const figures = recordings.flatMap((r) => {
    const activity = recordedActivity(r);
    return activity ? [{ epoch: r.epoch, svg: gateFigure(activity, { title: `Layer 1 at epoch ${r.epoch}, validation sequence 0` }) }] : [];
  });
  if (figures.length === 0) return '';
  const last = figures.length - 1;
  return `<h2>Gates and states of layer 1, by recorded epoch</h2>
<p><label>epoch <input id="epoch" type="range" min="0" max="${last}" value="${last}" step="1"> <output id="epoch-shown">${figures[last]!.epoch}</output></label></p>
${figures.map((f, k) => `<figure class="epoch" data-epoch="${f.epoch}"${k === last ? '' : ' hidden'}>${f.svg}</figure>`).join('\n')}
<script>
const slider = document.getElementById('epoch');
const shown = document.getElementById('epoch-shown');
const figures = document.querySelectorAll('figure.epoch');
slider.addEventListener('input', () => {
  figures.forEach((f, k) => { f.hidden = k !== Number(slider.value); });
  shown.textContent = figures[Number(slider.value)].dataset.epoch;
});
</script>`;
}

/**
 * `lstm viz report --run DIR`: one self-contained HTML file (inline SVG, one small inline script
 * for the epoch slider, no network) with the run's configuration as tables, its learning curves —
 * the headline metric (accuracy, or bits per character) and the loss — and, when it was recorded,
 * the gates and states at every recorded epoch and the gradient histograms.
 */
export function vizReport(o: { run: string; out?: string }): void {
  const out = o.out ?? join(o.run, 'report.html');
  if (!out.endsWith('.html')) throw new UsageError(`--out ${out}: a report is an .html file`);
  const headline = readRun(o.run, undefined);
  const name = [basename(o.run)];
  const charts = [curvesChart([headline], name)];
  if (headline.metric !== 'loss') charts.push(curvesChart([readRun(o.run, 'loss')], name));
  let recordings: RecordedEpoch[] = [];
  try {
    recordings = readRecordings(o.run);
  } catch {
    recordings = [];
  }
  const test = headline.splits.test ?? headline.values ?? [];
  const percent = headline.metric === 'accuracy';
  const best = headline.best_epoch === null ? undefined : test[headline.epochs.indexOf(headline.best_epoch)];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(`@lstm run ${basename(o.run)}`)}</title>
<style>body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:0 1.5em 1em 0;display:inline-table;vertical-align:top;font-size:13px}
caption{text-align:left;font-weight:bold;padding:.3em 0}th,td{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}
th{color:#555;font-weight:normal}svg{max-width:100%;height:auto}figure{margin:0}</style></head>
<body><h1>Run ${escapeXml(o.run)}</h1>
<p>${headline.epochs.length} epochs; the trainer kept epoch ${headline.best_epoch ?? '—'}${best === undefined ? '' : ` (test ${escapeXml(headline.metric)} ${formatValue(best, percent)})`}; last test ${escapeXml(headline.metric)} ${formatValue(test.at(-1) ?? Number.NaN, percent)}. ${recordings.length} recorded epoch(s).</p>
<h2>Configuration</h2>
${configurationTables(storedBlocks(o.run))}
<h2>Learning curves</h2>
${charts.join('\n')}
${gatesByEpoch(recordings)}
${recordings.some((r) => r.tensors['dh.l0']) ? `<h2>Per-step gradients</h2>\n${histogramFigure([histogramRun(o.run)], [1], 25).svg}` : ''}
</body></html>
`;
  writeFileAtomic(out, html);
  process.stderr.write(`wrote ${out}\n`);
}
