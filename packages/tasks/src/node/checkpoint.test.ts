import { LstmError, registerBackend, setBackendSync } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { runFuzz, safetensorsMutants } from '@lstm/core/testing';
import { ModelFileError, SequenceModel, architectureOf, decodeSafetensors, encodeSafetensors } from '@lstm/layers';
import { Adam } from '@lstm/optim';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstLast } from '../first-last.js';
import { Trainer } from '../trainer.js';
import { decodeCheckpoint, saveCheckpoint } from './checkpoint.js';

registerBackend(cpu());
setBackendSync('cpu');

let bytes: Uint8Array;

beforeAll(async () => {
  const task = firstLast({ steps: 5, trainSize: 64, validationSize: 32, testSize: 32, seed: 2 });
  const model = new SequenceModel({ inputSize: 1, hiddenSize: 6, outputSize: 4, seed: 2 });
  const trainer = new Trainer(model, task, { epochs: 3, optimizer: new Adam(model.parameters(), { lr: 1e-2 }), batchSize: 16 });
  await trainer.fit();
  const dir = mkdtempSync(join(tmpdir(), 'lstm-checkpoint-'));
  saveCheckpoint(dir, trainer, { options: { hidden: 6 } }, 'test');
  bytes = readFileSync(join(dir, 'checkpoint.safetensors'));
});

/** The checkpoint with its trainer state (JSON) replaced by `edit` of it. */
function withTrainerState(edit: (state: Record<string, unknown>) => unknown): Uint8Array {
  const file = decodeSafetensors(bytes);
  const state = JSON.parse(file.metadata['lstm.trainer']!) as Record<string, unknown>;
  const edited = edit(state) ?? state;
  return encodeSafetensors(file.tensors, { ...file.metadata, 'lstm.trainer': JSON.stringify(edited) });
}

/** The checkpoint with one tensor's values replaced. */
function withTensor(name: (names: string[]) => string, fill: number): Uint8Array {
  const file = decodeSafetensors(bytes);
  const target = name(Object.keys(file.tensors));
  file.tensors[target]!.data.fill(fill);
  return encodeSafetensors(file.tensors, file.metadata);
}

describe('checkpoints are validated before a run resumes (issue 9)', () => {
  it('reads a real checkpoint back', () => {
    const { state, run } = decodeCheckpoint(bytes);
    expect(state.epoch).toBe(3);
    expect(state.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(run).toEqual({ options: { hidden: 6 } });
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a missing trainer state', () => withTrainerState(() => 'absent'), /lstm.trainer/],
    [
      'a missing epoch',
      () =>
        withTrainerState((s) => {
          delete s.epoch;
        }),
      /field 'epoch'/,
    ],
    [
      'a text epoch',
      () =>
        withTrainerState((s) => {
          s.epoch = 'three';
        }),
      /field 'epoch'/,
    ],
    [
      'a negative epoch',
      () =>
        withTrainerState((s) => {
          s.epoch = -2;
        }),
      /field 'epoch'/,
    ],
    [
      'a NaN (null) epoch',
      () =>
        withTrainerState((s) => {
          s.epoch = null;
        }),
      /field 'epoch'/,
    ],
    [
      'an epoch the history does not have',
      () =>
        withTrainerState((s) => {
          s.epoch = 7;
        }),
      /one record per completed epoch/,
    ],
    [
      'a best epoch after the last one',
      () =>
        withTrainerState((s) => {
          (s.best as { epoch: number }).epoch = 9;
        }),
      /best epoch/,
    ],
    [
      'a NaN best score',
      () =>
        withTrainerState((s) => {
          (s.best as { score: unknown }).score = null;
        }),
      /field 'best.score'/,
    ],
    [
      'a broken generator state',
      () =>
        withTrainerState((s) => {
          s.shuffleRng = [1, 2, 3];
        }),
      /shuffleRng/,
    ],
    [
      'a negative optimizer step',
      () =>
        withTrainerState((s) => {
          s.optimizer = { step: -1 };
        }),
      /field 'optimizer.step'/,
    ],
    [
      'an unknown field',
      () =>
        withTrainerState((s) => {
          s.surprise = true;
        }),
      /field 'surprise'/,
    ],
    [
      'a history record with text',
      () =>
        withTrainerState((s) => {
          (s.history as Record<string, unknown>[])[0]!.lr = 'x';
        }),
      /field 'history.0.lr'/,
    ],
    ['NaN optimizer slots', () => withTensor((names) => names.find((n) => n.startsWith('optim.'))!, Number.NaN), /contains NaN/],
    ['NaN best weights', () => withTensor((names) => names.find((n) => n.startsWith('best.'))!, Number.POSITIVE_INFINITY), /contains NaN/],
    ['NaN current weights', () => withTensor((names) => names.find((n) => n.startsWith('rnn.'))!, Number.NaN), /contains NaN/],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name} in one typed line`, () => {
      let error: unknown;
      try {
        decodeCheckpoint(make(), 'run/checkpoint.safetensors');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }

  it('decodes 1,300 seeded mutants of a real checkpoint: no hang, no memory blow-up, only typed errors, nothing inconsistent accepted', () => {
    const original = decodeCheckpoint(bytes);
    const architecture = JSON.stringify(architectureOf(original.model));
    const report = runFuzz(
      safetensorsMutants(bytes, 1300, 2),
      (b) => decodeCheckpoint(b),
      (b) => {
        const { model, state } = decodeCheckpoint(b);
        if (JSON.stringify(architectureOf(model)) !== architecture) return 'architecture changed';
        if (state.history.length !== state.epoch) return 'history and epoch disagree';
        if (state.best && state.best.epoch > state.epoch) return 'best epoch after the last';
        for (const slots of Object.values(state.optimizer.slots))
          for (const values of Object.values(slots)) if (!values.every(Number.isFinite)) return 'NaN slot';
        return null;
      },
    );
    console.info(
      `checkpoint fuzz: ${JSON.stringify({ ...report, slow: report.slow.length, untyped: report.untyped.length, inconsistent: report.inconsistent.length, overMemory: report.overMemory.length })}`,
    );
    expect(report.untyped).toEqual([]);
    expect(report.slow).toEqual([]);
    expect(report.overMemory).toEqual([]);
    expect(report.inconsistent).toEqual([]);
    expect(report.rejected + report.accepted).toBe(1300);
    expect(report.rejected).toBeGreaterThan(700);
    expect(LstmError).toBeDefined();
  });
});
