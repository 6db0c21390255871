import { Rng, tensor, tidy } from '@lstm/core';
import { decodeModel, describeLstm, parameterCount, plainVariant, storedName, type ModelFile } from '@lstm/layers';
import { wasmAvailability } from '@lstm/backend-wasm';
import { webgpuAvailability } from '@lstm/backend-webgpu';
import { encode, evaluateAsync, oneHot, parseCsv, sampleToken } from '@lstm/tasks';
import { co2Csv } from '@lstm/tasks/node';
import { buildTask, probeBackends, registerAll, selectBackend } from './build.js';
import { assertFitsInMemory } from './memory.js';
import { EXIT, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { storedMetadata, type StoredMetadata } from './model-metadata.js';

/** Reads and validates a model file and what lstm train stored with it. */
export function readModel(path: string): ModelFile & { stored: StoredMetadata } {
  const file = decodeModel(readUserFile(path), path);
  return { ...file, stored: storedMetadata(file, path) };
}

const READOUT_WORDS = {
  last: 'reading the final state h_n',
  'last-output': 'reading the output at the last step, out[:, -1]',
  all: 'at every step',
} as const;

const taskOf = (file: { stored: StoredMetadata }) => file.stored.task ?? { task: undefined, options: undefined };

/** The torch.nn module of each cell PyTorch has. */
const TORCH_MODULES: Readonly<Record<string, string>> = { lstm: 'nn.LSTM', gru: 'nn.GRU', rnn: 'nn.RNN' };

/** ' (f pinned to 1)' for an LSTM with pinned gates, else ''. */
const pinWords = (pin: Readonly<Record<string, number>> | undefined) =>
  pin && Object.keys(pin).length > 0
    ? ` (${Object.entries(pin)
        .map(([gate, value]) => `${gate} pinned to ${value}`)
        .join(', ')})`
    : '';

/** `lstm info FILE`: architecture, parameter count, PyTorch names and shapes. */
export async function info(path: string, json: boolean): Promise<void> {
  await selectBackend();
  const file = readModel(path);
  const { architecture: a, model } = file;
  const parameters = model.parameters().map((p) => ({ name: storedName(p.name), shape: [...p.shape] }));
  const hard = a.gateActivation === 'hardSigmoid';
  const cellWords = a.cell === 'lstm' ? describeLstm({ variant: a.variant ?? 'standard', pin: a.pin ?? {} }) : a.cell.toUpperCase();
  const torchCell = (a.cell === 'lstm' && !plainVariant(model.rnn, 'standard')) || hard ? undefined : TORCH_MODULES[a.cell];
  const torch = torchCell
    ? `rnn = ${torchCell}(input_size=${a.inputSize}, hidden_size=${a.hiddenSize}, num_layers=${a.numLayers}, batch_first=True` +
      `${a.bidirectional ? ', bidirectional=True' : ''}${a.dropout ? `, dropout=${a.dropout}` : ''}${a.cell === 'rnn' && a.nonlinearity === 'relu' ? ", nonlinearity='relu'" : ''}); ` +
      `head = nn.Linear(${a.hiddenSize * (a.bidirectional ? 2 : 1)}, ${a.outputSize})`
    : `no PyTorch module (${hard ? 'hardSigmoid gates are' : `the ${cellWords} is`} not in torch.nn)`;
  const summary = {
    file: path,
    version: file.version,
    architecture: a,
    parameters: parameterCount(model),
    tensors: parameters,
    pytorch: torch,
    task: taskOf(file).task ?? null,
    output: file.stored.output,
    training: file.metadata.training ?? null,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const lines = [
    `${path} (written by @lstm ${file.version})`,
    `architecture: ${a.variant && a.variant !== 'standard' ? `${a.variant} ` : ''}${a.cell.toUpperCase()}${pinWords(a.pin)}${hard ? ' (hardSigmoid gates)' : ''}, input ${a.inputSize}, hidden ${a.hiddenSize} × ${a.numLayers} layer(s)` +
      `${a.bidirectional ? ', bidirectional' : ''}${a.dropout ? `, dropout ${a.dropout}` : ''}; head → ${a.outputSize} ${file.stored.output} (${READOUT_WORDS[a.readout]})`,
    `parameters: ${summary.parameters.toLocaleString('en-US')}`,
    `task: ${summary.task ?? 'unknown'}`,
    `PyTorch: ${torch}`,
    'tensors (PyTorch names):',
    ...parameters.map((p) => `  ${p.name.padEnd(28)} [${p.shape.join(', ')}]`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `lstm backends`: each backend the CLI knows, whether it runs here, and why not. */
export async function backends(json: boolean): Promise<void> {
  registerAll();
  const rows = await probeBackends();
  if (json) {
    process.stdout.write(`${JSON.stringify({ backends: rows })}\n`);
    return;
  }
  const notes: Record<string, string> = {
    cpu: 'default; pure TypeScript, float32 and float64; --threads N for worker threads',
    wasm: `WebAssembly SIMD: packed SGEMM, fused recurrent kernels and Adam, float32; --threads N; --fma ${(await wasmAvailability()).fma ? 'uses relaxed SIMD here' : 'falls back here: no relaxed SIMD in this runtime'}`,
    'tfjs-wasm': 'TensorFlow.js wasm (SIMD), float32',
    'tfjs-cpu': 'TensorFlow.js cpu, float32',
    'tfjs-webgl': 'TensorFlow.js WebGL, float32',
  };
  const gpu = await webgpuAvailability();
  if (gpu.available) notes.webgpu = `WGSL kernels on ${gpu.adapter}, float32`;
  for (const r of rows) {
    const state = r.usable ? 'available' : `not usable here: ${r.why}`;
    process.stdout.write(`${r.name.padEnd(11)} ${state}${notes[r.name] && r.usable ? ` (${notes[r.name]})` : ''}\n`);
  }
}

/** `lstm eval --model FILE`: rebuilds the model's task (same seed and options) and reports the test metrics. */
export async function evaluate(path: string, o: { data?: string; backend?: string; json?: boolean }): Promise<void> {
  await selectBackend(o.backend, 1, { asyncReads: true });
  const file = readModel(path);
  const options = taskOf(file).options;
  if (!options) throw new UsageError(`${path} has no task stored with it; eval needs a model written by lstm train`);
  assertFitsInMemory({ ...options, hidden: file.architecture.hiddenSize, layers: file.architecture.numLayers, batchSize: 256 });
  const task = buildTask({ ...options, data: o.data ?? options.data });
  const metrics = Object.fromEntries(
    Object.entries(await evaluateAsync(file.model, task, 'test', file.stored.evaluation)).map(([k, v]) => [`test_${k}`, v]),
  );
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ model: path, task: options.task, ...metrics, baselines: 'baselines' in task ? task.baselines : undefined })}\n`,
    );
  else
    process.stdout.write(
      `${Object.entries(metrics)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join('  ')}\n`,
    );
}

/**
 * `lstm predict --model FILE --input FILE`: the input is JSON — one sequence [[f…] per step] or a
 * list of them (or a CSV of features per step, one sequence). Prints what the head predicts: class
 * probabilities (per step for a tagger), or values; `--raw` prints the head's outputs as they are.
 */
export async function predict(path: string, inputPath: string, o: { backend?: string; json?: boolean; raw?: boolean }): Promise<void> {
  await selectBackend(o.backend);
  const file = readModel(path);
  const { inputSize, readout, outputSize } = file.architecture;
  const sequences = readSequences(inputPath, inputSize);
  const classes = file.stored.output === 'classes' && !o.raw;
  const results = sequences.map((sequence) =>
    tidy(() => {
      const x = tensor(Float32Array.from(sequence.flat()), [1, sequence.length, inputSize]);
      const values = Array.from(file.model.forward(x).output.readSync());
      if (!classes) return { output: values };
      if (readout === 'all') {
        const steps = Array.from({ length: values.length / outputSize }, (_, t) => values.slice(t * outputSize, (t + 1) * outputSize));
        return { classes: steps.map((row) => row.indexOf(Math.max(...row))) };
      }
      const probabilities = softmax(values);
      return { class: probabilities.indexOf(Math.max(...probabilities)), probabilities };
    }),
  );
  if (o.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else for (const r of results) process.stdout.write(`${describePrediction(r)}\n`);
}

function describePrediction(r: { output?: number[]; classes?: number[]; class?: number; probabilities?: number[] }): string {
  if (r.probabilities) return `class ${r.class}  p = [${r.probabilities.map((p) => p.toFixed(3)).join(', ')}]`;
  if (r.classes) return `classes [${r.classes.join(', ')}]`;
  return `output [${(r.output ?? []).map((v) => v.toFixed(4)).join(', ')}]`;
}

function softmax(values: number[]): number[] {
  const max = Math.max(...values);
  const e = values.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** `lstm generate`: samples characters from a text model, one step at a time with carried state. */
export async function generate(
  path: string,
  o: { prime?: string; length: number; temperature: number; topK?: number; seed: number; backend?: string },
): Promise<void> {
  await selectBackend(o.backend);
  const file = readModel(path);
  const vocabulary = file.stored.vocabulary;
  if (!vocabulary) throw new UsageError(`${path} is not a text model (no vocabulary); train one with lstm train --task text`);
  const prime = o.prime ?? vocabulary.find((c) => /[A-Z]/.test(c)) ?? vocabulary[0]!;
  const ids = encode(prime, vocabulary);
  const rng = Rng.derive(o.seed, 'sample');
  const stream = file.model.rnn.stream();
  const V = vocabulary.length;
  let logits: number[] = [];
  const step = (id: number) =>
    tidy(() => {
      const h = stream.step(tensor(oneHot(Int32Array.of(id), V), [1, V]));
      logits = Array.from(file.model.head.forward(h).output.readSync());
    });
  for (const id of ids) step(id);
  process.stdout.write(prime);
  for (let i = 0; i < o.length; i++) {
    const next = sampleToken(logits, o.temperature, o.topK, rng);
    process.stdout.write(vocabulary[next]!);
    step(next);
  }
  process.stdout.write('\n');
  stream.dispose();
}

/** `lstm forecast`: continues a series N steps by feeding each prediction back in. */
/**
 * `lstm forecast --model FILE [--data CSV] --horizon N`: continues the series past the CSV's last
 * row. Without --data, a model trained on the built-in CO₂ series continues that series.
 */
export async function forecast(
  path: string,
  dataPath: string | undefined,
  o: { horizon: number; backend?: string; json?: boolean },
): Promise<void> {
  await selectBackend(o.backend);
  const file = readModel(path);
  const scaling = file.stored.scaling;
  if (!scaling) throw new UsageError(`${path} is not a series model; train one with lstm train --task series`);
  if (scaling.columns.length !== 1)
    throw new UsageError(
      `forecasting ${o.horizon} steps ahead needs a model trained on its target column alone (this one reads ${scaling.columns.join(', ')})`,
    );
  const stored = taskOf(file).options;
  if (dataPath === undefined && (stored?.task !== 'series' || stored.data !== undefined))
    throw new UsageError(`${path} was trained on ${stored?.data ?? 'data of its own'}; give that CSV with --data FILE`);
  const csv = dataPath === undefined ? co2Csv() : readUserFile(dataPath).toString('utf8');
  const source = dataPath ?? 'the built-in CO₂ series';
  const { data } = parseCsv(csv, scaling.columns, 'forecast');
  const values = data[scaling.target]!;
  const [mean, std] = [scaling.mean[0]!, scaling.std[0]!];
  const worked = scaling.difference ? values.slice(1).map((v, i) => v - values[i]!) : values;
  if (worked.length < scaling.window)
    throw new UsageError(
      `${source} has ${values.length} rows; the model needs the last ${scaling.window + (scaling.difference ? 1 : 0)}`,
      1,
    );
  const history = worked.slice(-scaling.window).map((v) => (v - mean) / std);
  const predictions: number[] = [];
  let level = values.at(-1)!;
  for (let h = 0; h < o.horizon; h++) {
    const next = tidy(() => file.model.forward(tensor(Float32Array.from(history), [1, scaling.window, 1])).output.readSync()[0]!);
    history.shift();
    history.push(next);
    level = scaling.difference ? level + next * std + mean : next * std + mean;
    predictions.push(level);
  }
  if (o.json) process.stdout.write(`${JSON.stringify({ target: scaling.target, forecast: predictions })}\n`);
  else
    predictions.forEach((v, h) => {
      process.stdout.write(`t+${h + 1}\t${v.toFixed(4)}\n`);
    });
}

/**
 * Sequences from a file: JSON — one sequence [[x…] per step] or a list of them — or a CSV of
 * features per step (one sequence); each step checked to have `inputSize` finite numbers.
 */
export function readSequences(inputPath: string, inputSize: number): number[][][] {
  const raw = readUserFile(inputPath).toString('utf8');
  let sequences: number[][][];
  if (inputPath.endsWith('.csv')) {
    const { data } = parseCsv(raw, undefined, 'predict');
    const columns = Object.values(data);
    sequences = [columns[0]!.map((_, t) => columns.map((c) => c[t]!))];
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new UsageError(`${inputPath} is not JSON; give [[x1], [x2], …] (steps × ${inputSize} features) or a CSV`, EXIT.badInput);
    }
    const asSteps = (v: unknown): v is number[][] =>
      Array.isArray(v) && v.every((s) => Array.isArray(s) && s.every((x) => typeof x === 'number'));
    if (asSteps(parsed)) sequences = [parsed];
    else if (Array.isArray(parsed) && parsed.every(asSteps)) sequences = parsed as number[][][];
    else throw new UsageError(`${inputPath}: expected a sequence [[x…], …] or a list of sequences of numbers`, EXIT.badInput);
  }
  sequences.forEach((sequence, n) => {
    if (sequence.length === 0) throw new UsageError(`${inputPath}: sequence ${n} is empty`, EXIT.badInput);
    sequence.forEach((step, t) => {
      if (step.length !== inputSize)
        throw new UsageError(
          `${inputPath}: sequence ${n}, step ${t} has ${step.length} features; this model takes ${inputSize}`,
          EXIT.badInput,
        );
      if (!step.every(Number.isFinite))
        throw new UsageError(`${inputPath}: sequence ${n}, step ${t} contains NaN or infinity`, EXIT.badInput);
    });
  });
  return sequences;
}
