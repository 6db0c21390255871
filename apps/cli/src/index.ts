/**
 * `@lstm/cli/sweep`: the sweeps of `lstm sweep` for a program or a notebook (issue 24). `sweep()`
 * runs a grid or random search of `lstm train` options × seeds — here, one process per core, or on
 * a Redis queue for `lstm worker`s — and returns every trial's record; `sweepTable()` is
 * `lstm sweep report --json`'s table; `readTrials()` reads a sweep folder's trials.jsonl.
 *
 * @example
 * ```ts
 * import { sweep, sweepTable } from '@lstm/cli/sweep';
 * const records = await sweep({
 *   out: 'runs/forget-bias',
 *   grid: ['forget-bias=0,1,2'],
 *   seeds: 5,
 *   train: ['--task', 'first-last', '--epochs', '10'],
 *   quiet: true,
 *   onProgress: (p) => console.log(`${p.done}/${p.total}`),
 * });
 * console.table(sweepTable('runs/forget-bias').rows);
 * ```
 */
export { type SweepOptions, type SweepProgress, readTrials, sweep } from './sweep.js';
export { type ReportOptions, type ReportRow, type SweepTable, sweepTable } from './sweep-report.js';
export type { SweepSpec, Trial } from './sweep-spec.js';
export { TRIAL_FORMAT, type TrialRecord } from './trial.js';
export { type WorkerOptions, worker } from './worker.js';
