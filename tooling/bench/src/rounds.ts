import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Result, Workload } from './workload.js';

/**
 * Interleaved measurement (issue 26): every contestant of a workload runs once per round, in the
 * same order, round after round, so a ratio is taken between two numbers measured seconds apart —
 * what a busy machine does to one it does to the other. Reported: the median of the per-round
 * ratios and their range, never a ratio of two numbers taken minutes apart.
 */
export interface Contestant {
  library: string;
  workload: Workload;
  run(seconds: number): Promise<Result> | Result;
}

/** The median and range of a set of numbers (per-round values or ratios). */
export interface Spread {
  median: number;
  low: number;
  high: number;
  rounds: number;
}

export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const middle = finite.length / 2;
  const median = finite.length % 2 ? finite[Math.floor(middle)]! : (finite[middle - 1]! + finite[middle]!) / 2;
  return { median, low: finite[0]!, high: finite.at(-1)!, rounds: finite.length };
}

/** `1.06× (0.98–1.12)`: a spread of ratios as the tables print it. */
export function showRatio(s: Spread | undefined): string {
  return s ? `${s.median.toFixed(2)}× (${s.low.toFixed(2)}–${s.high.toFixed(2)})` : '—';
}

export type Metric = 'trainSequencesPerSecond' | 'inferSequencesPerSecond' | 'streamMicrosecondsPerStep' | 'gflops';

/** Rounds of results: `rounds[r]` holds every contestant's result of round r. */
export class Rounds {
  readonly rounds: Result[][] = [];

  /** Runs `count` rounds of every contestant in turn, calling `log` with each result. */
  async run(
    contestants: readonly Contestant[],
    count: number,
    seconds: number,
    log: (result: Result, round: number) => void,
  ): Promise<void> {
    for (let r = 0; r < count; r++) {
      const round: Result[] = [];
      for (const c of contestants) {
        const result = await c.run(seconds);
        round.push(result);
        log(result, r + 1);
      }
      this.rounds.push(round);
    }
  }

  /** A library by its exact name, or by the start of it ('PyTorch' for 'PyTorch 1.13.0 (1 thread)'). */
  private find(round: readonly Result[], workload: string, library: string): Result | undefined {
    const here = round.filter((x) => x.workload === workload);
    return here.find((x) => x.library === library) ?? here.find((x) => x.library.startsWith(library));
  }

  /** Median and range over the rounds of one contestant's metric. */
  value(workload: string, library: string, metric: Metric): Spread | undefined {
    return spread(this.rounds.map((round) => this.find(round, workload, library)?.[metric] ?? Number.NaN));
  }

  /**
   * Per-round ratio of `a` to `b` on `metric` (rates: a ÷ b; with `lowerIsBetter`, b ÷ a), as a
   * median and range: each round's pair was measured back to back.
   */
  ratio(workload: string, a: string, b: string, metric: Metric, lowerIsBetter = false): Spread | undefined {
    return spread(
      this.rounds.map((round) => {
        const x = this.find(round, workload, a)?.[metric];
        const y = this.find(round, workload, b)?.[metric];
        return x && y ? (lowerIsBetter ? y / x : x / y) : Number.NaN;
      }),
    );
  }

  /** One result per contestant with the median of each metric over the rounds (the table's numbers). */
  medians(): Result[] {
    return (this.rounds[0] ?? []).map((first) => {
      const m = (metric: Metric) => this.value(first.workload, first.library, metric)?.median;
      return {
        ...first,
        trainSequencesPerSecond: m('trainSequencesPerSecond'),
        inferSequencesPerSecond: m('inferSequencesPerSecond'),
        streamMicrosecondsPerStep: m('streamMicrosecondsPerStep'),
        gflops: m('gflops'),
      };
    });
  }
}

/**
 * PyTorch as a contestant: one Python process for the whole run (Debian's python3-torch, one
 * thread, on whatever BLAS it loads — OpenBLAS with libopenblas0-pthread), asked for one
 * measurement at a time. Undefined where /usr/bin/python3 has no torch.
 */
export class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  private constructor(python: string) {
    this.child = spawn(python, [new URL('./torch_bench.py', import.meta.url).pathname, '--serve']);
    this.child.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  static start(): TorchServer | undefined {
    const python = '/usr/bin/python3';
    const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }) : null;
    if (probe?.status !== 0) {
      console.error('  PyTorch skipped: /usr/bin/python3 with torch not found (apt-get install python3-torch to include it)');
      return undefined;
    }
    return new TorchServer(python);
  }

  async measure(workload: Workload, seconds: number): Promise<Result> {
    this.child.stdin.write(`${JSON.stringify({ workload, seconds })}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('PyTorch benchmark process ended early (see its error above)');
    return JSON.parse(line.value) as Result;
  }

  close(): void {
    this.child.stdin.end();
  }
}
