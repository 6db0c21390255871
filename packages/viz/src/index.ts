/**
 * Charts of recurrent networks as SVG strings — gate heatmaps, learning curves, histograms — in Node and the browser, no DOM; terminal previews.
 * @packageDocumentation
 * @module @lstm/viz
 */
export { barChart, type Bar, type BarChartOptions } from './bar-chart.js';
export { stripChart, type Strip, type StripChartOptions } from './strip-chart.js';
export {
  DIAGRAM_CELLS,
  cellDiagram,
  cellEquations,
  type CellDiagramOptions,
  type DiagramCell,
  type LstmDiagramForm,
  type StepValues,
} from './cell-diagram.js';
export { stackDiagram, type StackDiagramOptions } from './stack-diagram.js';
export { xrayValues, type SequenceActivity } from './xray.js';
export { CATEGORICAL, COLOR_MAPS, colorScale, rgbOf, toHex, type ColorMapName } from './color.js';
export { GATE_TITLES, gateFigure, gatePanels, type GateActivity } from './gates.js';
export { colorBar, heatmap, type HeatmapOptions, type HeatmapPanel } from './heatmap.js';
export { histogram, type HistogramOptions } from './histogram.js';
export { binMagnitudes, bulkDecades, histogramGrid, type HistogramGridOptions, type MagnitudeColumns } from './histogram-grid.js';
export { lineChart, type LegendEntry, type LineChartOptions, type Marker, type Reference, type Series } from './line-chart.js';
export {
  GATE_ORDER,
  REFERENCE,
  SIGMOID_GATES,
  SPLITS,
  decade,
  formatValue,
  gateScale,
  logAxis,
  runColor,
  type Split,
  type ValueScale,
} from './style.js';
export { escapeXml, sideBySide } from './svg.js';
export { saliencyColor, terminalSaliency, textSaliency, type SaliencyRow, type TextSaliencyOptions } from './text-saliency.js';
export { traceFigure, type TraceStep } from './trace.js';
export { sparkline, terminalHeatmap, useColor, visibleWidth, type TerminalOptions } from './terminal.js';
