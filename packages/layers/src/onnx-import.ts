import { Rng, ValueError, tensor, tidy } from '@lstm/core';
import type { onnx as T } from 'onnx-proto';
import { applyIgnore, list, outputKind } from './import-common.js';
import type { ImportedModel, ImportOptions } from './import-state-dict.js';
import { transpose } from './onnx-ops.js';
import { type Value, value } from './onnx-value.js';
import { type Graph, readGraph, runGraph } from './onnx-graph.js';
import { readHead, readStack } from './onnx-layers.js';
import { ModelFileError } from './safetensors.js';
import { type Readout, SequenceModel } from './sequence-model.js';
import { loadStateDict } from './state-dict.js';
import { identity } from './matrix.js';

export type OnnxImportOptions = Pick<ImportOptions, 'readout' | 'output' | 'ignore' | 'what'>;

const RECURRENT = ['LSTM', 'GRU', 'RNN'];
/** Operators that move a sequence's values around without computing with them. */
const LAYOUT = ['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Cast'];

/**
 * Reads an ONNX model of the standard recurrent operators — as `torch.onnx.export` writes an
 * nn.LSTM / nn.GRU / nn.RNN with an optional nn.Linear head (any opset from 9, with or without
 * dynamic_axes or constant folding), or `exportOnnx` does — back into a SequenceModel.
 *
 * The graph is run, not pattern-matched: a float64 interpreter evaluates every node on two probe
 * inputs, which folds the initial-state builders (Shape, Gather, ConstantOfShape, Expand…) and the
 * weight reshuffles into values. The recurrent nodes' weights become the stack, the one Linear after
 * them the head, and the readout (h_n, out[:, -1] or every step) is the one whose outputs match the
 * graph's. The model is accepted only if it computes what the graph computes on both probes; any
 * layer the model cannot hold (a projection before the recurrent layer, a second Linear, a learned
 * or input-dependent initial state) is refused in one line.
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): ImportedModel {
  const what = options.what ?? 'ONNX model';
  // Names come from the file: control characters in them would break the one-line message.
  const fail = (message: string): never => {
    const printable = Array.from(message, (ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '?' : ch)).join('');
    throw new ModelFileError(`${what}: ${printable}`);
  };
  const graph = readGraph(bytes, fail);
  const recurrent = graph.nodes.filter((n) => RECURRENT.includes(n.opType ?? ''));
  if (recurrent.length === 0)
    fail(`no LSTM, GRU or RNN node; found ${[...new Set(graph.nodes.map((n) => n.opType))].join(', ') || 'no nodes'}`);
  const op = recurrent[0]?.opType ?? fail('no recurrent node');
  if (recurrent.some((n) => n.opType !== op))
    fail(`it mixes ${[...new Set(recurrent.map((n) => n.opType))].join(' and ')} layers; one cell type per model is supported`);
  const cell = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'rnn';
  const producer = producers(graph.nodes);
  // What feeds each recurrent layer: the graph input for the first, the previous layer for the rest.
  recurrent.forEach((node, k) => {
    const source = traceBack(node.input?.[0] ?? '', producer);
    const expected = k === 0 ? graph.input.name : recurrent[k - 1]?.output?.[0];
    if (source.name !== expected) {
      const where = k === 0 ? `before the first ${op}` : `between ${op} layers ${k - 1} and ${k}`;
      fail(
        `${source.op ?? 'a computation'} ${where}: a layer the model cannot hold (an input projection?); a model here is recurrent layers then one Linear head`,
      );
    }
  });
  const linears = downstream(recurrent.at(-1) ?? fail('no recurrent node'), graph.nodes).filter(
    (n) => n.opType === 'Gemm' || n.opType === 'MatMul',
  );
  if (linears.length > 1)
    fail(
      `${linears.length} linear layers (${linears.map((n) => n.opType).join(', ')}) after the recurrent ones; a model here has at most one Linear head`,
    );
  const [x1, x2] = [probe(graph, 1, [2, 3]), probe(graph, 2, [3, 2])];
  const runs = [runGraph(graph, x1.x, fail), runGraph(graph, x2.x, fail)] as const;
  const outputs = runs.map((run) => run.get(graph.output) ?? fail(`no node computes the graph's output '${graph.output}'`));
  const used = usedInitializers(graph);
  const unused = [...graph.initializers.keys()].filter((name) => !used.has(name));
  const { ignored, kept } = applyIgnore(unused, options.ignore ?? [], fail);
  if (kept.length) fail(`initializer(s) ${list(kept)} feed no node; pass --ignore PATTERN to leave them out knowingly`);
  const constant = (name: string, label: string): Value => {
    const [a, b] = [runs[0].get(name), runs[1].get(name)];
    if (!a || !b || a.dims.join() !== b.dims.join() || a.data.some((v, i) => v !== b.data[i])) return fail(`${label} depends on the input`);
    return a;
  };
  const stack = readStack(graph, recurrent, op, constant, runs, fail);
  const head = readHead(graph, linears[0], stack.features, constant, fail);
  const output = outputKind(options.output, head ? head.outputs : stack.features, head !== null, fail);
  const weights = {
    ...stack.weights,
    'head.weight': head?.weight ?? identity(stack.features),
    'head.bias': head?.bias ?? new Float64Array(stack.features),
  };
  // A DOUBLE graph stays float64; FLOAT16 and BFLOAT16 weights were widened to float32, exactly.
  const dtype = graph.double || graph.input.double ? 'float64' : 'float32';
  const build = (readout: Readout) => {
    try {
      const model = new SequenceModel({ ...stack.options, outputSize: head ? head.outputs : stack.features, readout, dtype });
      loadStateDict(model, weights);
      return model;
    } catch (error) {
      if (error instanceof ValueError) return fail(`it describes a model that cannot be built (${error.message})`);
      throw error;
    }
  };
  const rank = outputs[0]?.dims.length;
  const candidates: Readout[] = rank === 3 ? ['all'] : ['last', 'last-output'];
  const matches = (model: SequenceModel) => [x1, x2].every((p, k) => agrees(model, p, outputs[k] ?? fail('no output')));
  // The first readout whose model computes the graph's outputs (the one asked for, if any).
  let model: SequenceModel | undefined;
  for (const readout of candidates) {
    if (options.readout !== undefined && options.readout !== readout) continue;
    const built = build(readout);
    if (matches(built)) {
      model = built;
      break;
    }
  }
  if (!model) {
    const actual =
      options.readout === undefined ? undefined : candidates.find((readout) => readout !== options.readout && matches(build(readout)));
    return fail(
      actual
        ? `its head reads '${actual}', not --readout ${options.readout} — import it without --readout, or with --readout ${actual}`
        : 'the graph computes something its recurrent layers and one Linear head do not (checked on two probe inputs); a model here is recurrent layers then one Linear head',
    );
  }
  return { model, found: { prefix: '', head: head?.name ?? null, cell, biases: stack.biases, output, ignored } };
}

function producers(nodes: T.INodeProto[]): Map<string, T.INodeProto> {
  const out = new Map<string, T.INodeProto>();
  for (const n of nodes) for (const name of n.output ?? []) if (name) out.set(name, n);
  return out;
}

/** Follows a value back through layout-only operators to the value they were made from. */
function traceBack(name: string, producer: Map<string, T.INodeProto>): { name: string; op?: string } {
  let current = name;
  for (;;) {
    const node = producer.get(current);
    if (!node) return { name: current };
    if (RECURRENT.includes(node.opType ?? '')) return { name: node.output?.[0] === current ? current : '', op: node.opType ?? '' };
    if (!LAYOUT.includes(node.opType ?? '')) return { name: '', op: node.opType ?? '' };
    current = node.input?.[0] ?? '';
  }
}

/** The nodes that read, directly or not, what `from` computes. */
function downstream(from: T.INodeProto, nodes: T.INodeProto[]): T.INodeProto[] {
  const reached = new Set(from.output ?? []);
  const out: T.INodeProto[] = [];
  for (const n of nodes.slice(nodes.indexOf(from) + 1)) {
    if ((n.input ?? []).some((i) => reached.has(i))) {
      out.push(n);
      for (const o of n.output ?? []) reached.add(o);
    }
  }
  return out;
}

function usedInitializers(graph: Graph): Set<string> {
  return new Set(graph.nodes.flatMap((n) => n.input ?? []));
}

/** A probe input: the graph's fixed dimensions, or `free` [batch, time] for symbolic ones. */
function probe(graph: Graph, seed: number, free: [number, number]): { x: Value; batchMajor: boolean } {
  const dims = graph.input.dims;
  // exportOnnx and torch (batch_first=True) take [batch, time, features]; a sequence-major graph is
  // recognised by its first recurrent node reading the input directly.
  const firstReads = graph.nodes.find((n) => RECURRENT.includes(n.opType ?? ''))?.input?.[0];
  const batchMajor = firstReads !== graph.input.name;
  const [b, t] = batchMajor ? [0, 1] : [1, 0];
  const batch = dims[b] ?? free[0];
  const steps = dims[t] ?? free[1];
  const features = dims[2] ?? 1;
  const rng = new Rng(seed);
  const values = Float64Array.from({ length: batch * steps * features }, () => Math.fround(rng.uniform(-1, 1)));
  const shape = batchMajor ? [batch, steps, features] : [steps, batch, features];
  return { x: value(shape, values), batchMajor };
}

/** Whether the model computes the graph's output on a probe (float32 arithmetic on both sides of the check). */
function agrees(model: SequenceModel, p: ReturnType<typeof probe>, expected: Value): boolean {
  const { batchMajor } = p;
  const x = batchMajor ? p.x : transpose(p.x, [1, 0, 2]);
  const ours = tidy(() => model.forward(tensor(x.data, x.dims, model.rnn.dtype)).output.readSync());
  const theirs = batchMajor || expected.dims.length === 2 ? expected : transpose(expected, [1, 0, 2]);
  if (theirs.data.length !== ours.length) return false;
  const scale = theirs.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return theirs.data.every((v, i) => Math.abs(v - (ours[i] ?? Number.NaN)) <= 1e-4 * scale);
}
