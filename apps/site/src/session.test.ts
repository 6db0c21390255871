import { cpu } from '@lstm/backend-cpu';
import { registerBackend, setBackend } from '@lstm/core';
import { decodeModel, encodeModel, SequenceModel } from '@lstm/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELLS, ConfigError, DEFAULTS, configFromQuery, queryOf, type CellName, type PlaygroundConfig } from './playground/config.js';
import { stepXray } from './playground/charts.js';
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
    const before = await snapshot(session);
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
    const expected: Record<CellName, string[]> = {
      lstm: ['i', 'f', 'o'],
      peephole: ['i', 'f', 'o'],
      coupled: ['f', 'o'],
      nig: ['i', 'f', 'o'], // the pinned gate drawn as its constant
      nfg: ['i', 'f', 'o'],
      nog: ['i', 'f', 'o'],
      niaf: ['i', 'f', 'o'],
      noaf: ['i', 'f', 'o'],
      cifg: ['i', 'o'],
      fgr: ['i', 'f', 'o'],
      'ln-lstm': ['i', 'f', 'o'],
      gru: ['r', 'z'],
      rnn: ['h'],
    };
    expect(Object.keys(expected).sort()).toEqual([...CELLS].sort());
    for (const cell of CELLS) {
      const session = Session.create({ ...small, task, cell, seqLen: task === 'text' ? 16 : 8, trainSize: 64 });
      const summary = await session.epoch(() => {});
      expect(Number.isFinite(summary.trainLoss), `${task} ${cell}`).toBe(true);
      expect((await snapshot(session)).gates.map((g) => g.name)).toEqual(expected[cell]);
      const view = inspect(session, 0);
      expect(view.hidden.length).toBe(8);
      expect(view.prediction.length).toBeGreaterThan(0);
      expect((view.cells !== null) === (cell !== 'gru' && cell !== 'rnn')).toBe(true);
      // The x-ray draws the cells its diagrams know, and nothing wrong for the others.
      expect(stepXray(view, cell, 0, [0]) === null).toBe(cell === 'ln-lstm'); // every LSTM form has its diagram
    }
  });

  it('shows h for a vanilla RNN, which has no gates', async () => {
    const session = Session.create({ ...small, cell: 'rnn' });
    expect((await snapshot(session)).gates.map((g) => g.name)).toEqual(['h']);
  });

  it('exports a model file that rebuilds the same task and weights, and loads back', async () => {
    const session = Session.create(small);
    await session.epoch(() => {});
    const bytes = await session.exportModel();
    const file = decodeModel(bytes, 'page.safetensors');
    expect(file.metadata.task).toMatchObject({ task: 'first-last', options: { task: 'first-last', seqLen: 12, trainSize: 200, seed: 1 } });
    const loaded = Session.load(bytes, 'page.safetensors', DEFAULTS);
    expect(loaded.config).toMatchObject({ task: 'first-last', hidden: 8, seqLen: 12, cell: 'lstm' });
    expect(inspect(loaded, 5).probabilities).toEqual(inspect(session, 5).probabilities);
  });

  it("keeps a file's readout and gates: an out[:, -1], hardSigmoid model loads, trains and exports as such", async () => {
    const session = Session.create(small);
    const file = decodeModel(await session.exportModel(), 'page.safetensors');
    const imported = new SequenceModel({ ...file.architecture, readout: 'last-output', gateActivation: 'hardSigmoid' });
    const loaded = Session.load(encodeModel(imported, file.metadata, file.version), 'imported.safetensors', DEFAULTS);
    await loaded.epoch(() => {});
    const again = decodeModel(await loaded.exportModel(), 'again.safetensors').architecture;
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
    const speech = await textRun.exportModel();
    expect(() => Session.load(speech, 'speech.safetensors', small, other)).toThrow(/speech\.safetensors was trained on/);
  });

  it('loads variants, LayerNorm-LSTM and a pinned gate as the page offers them; refuses pins it does not (issue 23)', async () => {
    const file = decodeModel(await Session.create(small).exportModel(), 'page.safetensors');
    const as = (options: Record<string, unknown>) =>
      encodeModel(new SequenceModel({ ...file.architecture, ...options }), file.metadata, file.version);
    expect(Session.load(as({ pin: { f: 1 } }), 'pinned.safetensors', DEFAULTS).config).toMatchObject({ cell: 'lstm', pin: 'f=1' });
    expect(Session.load(as({ variant: 'nig' }), 'nig.safetensors', DEFAULTS).config).toMatchObject({ cell: 'nig', pin: 'none' });
    expect(Session.load(as({ variant: 'vanilla' }), 'vanilla.safetensors', DEFAULTS).config.cell).toBe('peephole');
    expect(Session.load(as({ cell: 'ln-lstm', variant: undefined }), 'ln.safetensors', DEFAULTS).config.cell).toBe('ln-lstm');
    expect(() => Session.load(as({ pin: { f: 0.3 } }), 'odd.safetensors', DEFAULTS)).toThrow(
      'odd.safetensors pins f=0.3; the page pins one gate, to f=1, f=0.5, i=1, i=0, o=1',
    );
  });

  it('trains with a pinned gate, which has no weights and is drawn as its constant; refuses a pin the cell cannot take', async () => {
    const session = Session.create({ ...small, pin: 'f=1' });
    await session.epoch(() => {});
    expect(session.model.parameters().find((p) => p.name === 'weight_ih_l0')!.shape).toEqual([3 * small.hidden, 1]);
    const gates = (await snapshot(session)).gates;
    expect(gates.map((g) => g.name)).toEqual(['i', 'f', 'o']);
    expect(gates[1]!.values.flat().every((v) => v === 1)).toBe(true);
    expect(gates[0]!.values.flat().some((v) => v !== gates[0]!.values[0]![0])).toBe(true); // the learned i moves
    expect(inspect(session, 0).gates.map((g) => g.name)).toEqual(['i', 'f', 'g', 'o']);
    expect(() => configFromQuery('cell=gru&pin=f%3D1')).toThrow('pinned gates belong to the LSTM cells; a gru has none');
    expect(() => configFromQuery('cell=nfg&pin=f%3D1')).toThrow('the nfg cell has no learned f gate to pin');
    expect(() => configFromQuery('cell=fgr&pin=o%3D1')).toThrow('the fgr cell feeds every gate of i, f, o back into the others; pin none');
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
