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
