import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackend } from '@lstm/core';
import { decodeModel, encodeModel, SequenceModel } from '@lstm/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, configFromQuery, queryOf, type PlaygroundConfig } from './playground/config.js';
import { inspect, sampleText, snapshot, textSaliency } from './playground/inspect.js';
import { Session } from './playground/session.js';

// The playground's worker logic, run in Node on the cpu backend (the browser tests drive the page).

beforeAll(async () => {
  registerBackend(cpu());
  await setBackend('cpu');
});

const small: PlaygroundConfig = { ...DEFAULTS, backend: 'cpu', seqLen: 12, hidden: 8, trainSize: 200, lr: 0.02 };

describe('the configuration in the URL', () => {
  it('round-trips every setting through the query string', () => {
    const config = { ...small, cell: 'gru' as const, layers: 2, clip: 0, forgetBias: 0, seed: 42, task: 'copy' as const };
    expect(configFromQuery(queryOf(config))).toEqual(config);
    expect(configFromQuery('')).toEqual(DEFAULTS);
  });

  it.each([
    ['cell=lstmm', "cell 'lstmm' is not one of"],
    ['hidden=0', 'hidden must be between 1 and 256'],
    ['hidden=2.5', 'hidden must be a whole number'],
    ['lr=abc', "lr must be a number, got 'abc'"],
    ['colour=red', "unknown setting 'colour'"],
  ])('refuses %s in one line', (query, message) => {
    expect(() => configFromQuery(query)).toThrow(ConfigError);
    expect(() => configFromQuery(query)).toThrow(message);
  });
});

describe('a run', () => {
  it('learns first-last: the loss falls, and the pictures have the shapes the page draws', async () => {
    const session = Session.create(small);
    const before = snapshot(session);
    expect(before.gates.map((g) => g.name)).toEqual(['i', 'f', 'o']);
    for (const gate of before.gates) {
      expect(gate.values).toHaveLength(8);
      for (const row of gate.values) expect(row).toHaveLength(12);
    }
    expect(before.flow).toHaveLength(12);
    const losses = [];
    for (let e = 0; e < 4; e++) losses.push((await session.epoch(() => {})).trainLoss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const view = inspect(session, 3);
    expect(view.inputs).toHaveLength(12);
    expect(view.gates.map((g) => g.name)).toEqual(['i', 'f', 'g', 'o']);
    expect(view.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(() => inspect(session, 10_000)).toThrow('sequence 10000 does not exist');
  });

  it.each(['first-last', 'adding', 'copy', 'text'] as const)('builds, trains and shows every cell on %s', async (task) => {
    for (const cell of ['lstm', 'peephole', 'coupled', 'gru', 'rnn'] as const) {
      const session = Session.create({ ...small, task, cell, seqLen: task === 'text' ? 16 : 8, trainSize: 64 });
      const summary = await session.epoch(() => {});
      expect(Number.isFinite(summary.trainLoss), `${task} ${cell}`).toBe(true);
      const expectedGates = { lstm: ['i', 'f', 'o'], peephole: ['i', 'f', 'o'], coupled: ['f', 'o'], gru: ['r', 'z'], rnn: ['h'] }[cell];
      expect(snapshot(session).gates.map((g) => g.name)).toEqual(expectedGates);
      const view = inspect(session, 0);
      expect(view.hidden.length).toBe(8);
      expect(view.prediction.length).toBeGreaterThan(0);
      expect((view.cells !== null) === (cell !== 'gru' && cell !== 'rnn')).toBe(true);
    }
  });

  it('shows h for a vanilla RNN, which has no gates', () => {
    const session = Session.create({ ...small, cell: 'rnn' });
    expect(snapshot(session).gates.map((g) => g.name)).toEqual(['h']);
  });

  it('exports a model file that rebuilds the same task and weights, and loads back', async () => {
    const session = Session.create(small);
    await session.epoch(() => {});
    const bytes = session.exportModel();
    const file = decodeModel(bytes, 'page.safetensors');
    expect(file.metadata.task).toMatchObject({ task: 'first-last', options: { task: 'first-last', seqLen: 12, trainSize: 200, seed: 1 } });
    const loaded = Session.load(bytes, 'page.safetensors', DEFAULTS);
    expect(loaded.config).toMatchObject({ task: 'first-last', hidden: 8, seqLen: 12, cell: 'lstm' });
    expect(inspect(loaded, 5).probabilities).toEqual(inspect(session, 5).probabilities);
  });

  it("keeps a file's readout and gates: an out[:, -1], hardSigmoid model loads, trains and exports as such", async () => {
    const session = Session.create(small);
    const file = decodeModel(session.exportModel(), 'page.safetensors');
    const imported = new SequenceModel({ ...file.architecture, readout: 'last-output', gateActivation: 'hardSigmoid' });
    const loaded = Session.load(encodeModel(imported, file.metadata, file.version), 'imported.safetensors', DEFAULTS);
    await loaded.epoch(() => {});
    const again = decodeModel(loaded.exportModel(), 'again.safetensors').architecture;
    expect(again).toMatchObject({ readout: 'last-output', gateActivation: 'hardSigmoid' });
  });
});

describe('mistakes leave a clear message', () => {
  it('refuses a corrupt file, a model of a task the page lacks and text of another vocabulary', async () => {
    expect(() => Session.load(new Uint8Array([1, 2, 3]), 'junk.safetensors', DEFAULTS)).toThrow(/junk\.safetensors/);
    const model = new SequenceModel({ cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 1, outputSize: 1, readout: 'last', seed: 1 });
    const series = encodeModel(model, { task: { task: 'series', options: { task: 'series', seed: 1 } } }, '0.1.0');
    expect(() => Session.load(series, 'co2.safetensors', DEFAULTS)).toThrow("co2.safetensors was trained on the 'series' task");
    const textRun = Session.create({ ...small, task: 'text', seqLen: 16 });
    const other = 'zzzz yyyy xxxx '.repeat(40);
    expect(() => Session.load(textRun.exportModel(), 'speech.safetensors', small, other)).toThrow(/speech\.safetensors was trained on/);
  });

  it('refuses, for now, cells and forms it does not offer: pinned gates, a Greff variant, LayerNorm-LSTM (issue 23)', () => {
    const file = decodeModel(Session.create(small).exportModel(), 'page.safetensors');
    const as = (options: Record<string, unknown>) =>
      encodeModel(new SequenceModel({ ...file.architecture, ...options }), file.metadata, file.version);
    expect(() => Session.load(as({ pin: { f: 1 } }), 'pinned.safetensors', DEFAULTS)).toThrow(
      'pinned.safetensors has pinned gates; the playground does not offer pins yet',
    );
    expect(() => Session.load(as({ variant: 'nig' }), 'nig.safetensors', DEFAULTS)).toThrow(ConfigError);
    expect(() => Session.load(as({ cell: 'ln-lstm', variant: undefined }), 'ln.safetensors', DEFAULTS)).toThrow(ConfigError);
  });

  it('refuses empty, binary and too-short text', () => {
    const text = { ...small, task: 'text' as const, text: 'custom' as const, seqLen: 32 };
    expect(() => Session.create(text, '  ')).toThrow('the text box is empty');
    expect(() => Session.create(text, `ab\u0000\u0001cd${'x'.repeat(1000)}`)).toThrow('binary file');
    expect(() => Session.create(text, 'a short text')).toThrow('too short for sequences of 32');
  });
});

describe('text', () => {
  it('samples reproducibly by seed and explains a prediction by saliency', async () => {
    const session = Session.create({ ...small, task: 'text', seqLen: 16, hidden: 16 });
    await session.epoch(() => {});
    const a = sampleText(session, 'The ', 40, 0.7, 3);
    expect(a.startsWith('The ')).toBe(true);
    expect(Array.from(a)).toHaveLength(44);
    expect(sampleText(session, 'The ', 40, 0.7, 3)).toBe(a);
    expect(() => sampleText(session, 'The ', 10, 0, 3)).toThrow('temperature must be above 0');
    const result = textSaliency(session, 'Four score and seven', 10);
    expect(result.values).toHaveLength(11);
    expect(result.units).toHaveLength(5);
    expect(result.probability).toBeGreaterThan(0);
    expect(() => textSaliency(session, 'Four {score}', 2)).toThrow('not in the model');
  });
});
