import * as v from 'valibot';

/**
 * What a checkpoint's trainer state may hold (`lstm.trainer`), checked for type, range and
 * consistency before a run resumes from it: a hand-edited or corrupt state fails in one line
 * instead of resuming into negative epochs, an empty run or NaN weights.
 */

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());
const word = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1));
/** Rng.getState(): four 32-bit words and the cached normal (null when none). */
const RngState = v.tuple([word, word, word, word, v.nullable(finite)]);

/** One line of metrics.jsonl: the bookkeeping fields and any number of finite metrics. */
const EpochRecord = v.objectWithRest({ epoch: v.pipe(count, v.minValue(1)), lr: finite, grad_norm: finite, seconds: finite }, finite);

export const TrainerStateSchema = v.pipe(
  v.strictObject({
    epoch: count,
    shuffleRng: RngState,
    modelRng: RngState,
    optimizer: v.strictObject({ step: count }),
    schedule: v.nullable(v.record(v.string(), finite)),
    history: v.array(EpochRecord),
    best: v.nullable(v.strictObject({ epoch: v.pipe(count, v.minValue(1)), score: finite })),
    badEpochs: count,
    referenceLoss: v.optional(v.nullable(v.pipe(finite, v.minValue(0)))),
  }),
  v.check(
    (state) => state.history.length === state.epoch && state.history.every((record, i) => record.epoch === i + 1),
    'the history must hold one record per completed epoch, in order',
  ),
  v.check((state) => (state.best === null ? state.epoch === 0 : state.best.epoch <= state.epoch), 'the best epoch must be a completed one'),
  v.check((state) => state.badEpochs <= state.epoch, 'more epochs without improvement than epochs run'),
);

/** `lstm.run`: what rebuilds the run (the CLI stores its options here). */
export const RunSchema = v.record(v.string(), v.unknown());
