import { existsSync } from 'node:fs';
import {
  ModelFileError,
  decodeSafetensors,
  encodeModel,
  importStateDict,
  type OutputKind,
  type Readout,
  sniffFormat,
  wrongFormat,
} from '@lstm/layers';
import { exportOnnx, importOnnx } from '@lstm/layers/onnx';
import { writeFileAtomic } from '@lstm/tasks/node';
import { selectBackend } from './build.js';
import { readModel } from './use.js';
import { UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { VERSION } from './version.js';

export interface ImportCommandOptions {
  out: string;
  prefix?: string;
  head?: string;
  nonlinearity?: 'tanh' | 'relu';
  readout?: Readout;
  output?: OutputKind;
  ignore?: string[];
  force?: boolean;
  json?: boolean;
}

/**
 * `lstm import FILE --out MODEL`: a PyTorch state dict (safetensors) of an nn.LSTM / nn.GRU /
 * nn.RNN, with or without a linear head — or an ONNX model of those operators (FILE.onnx, e.g.
 * from torch.onnx.export) — becomes an @lstm model file every command reads.
 */
export async function importCommand(path: string, o: ImportCommandOptions): Promise<void> {
  if (!o.out.endsWith('.safetensors')) throw new UsageError(`--out ${o.out}: a model file ends in .safetensors`);
  if (existsSync(o.out) && !o.force) throw new UsageError(`${o.out} already exists; pass --force to overwrite it or choose another --out`);
  await selectBackend();
  const bytes = readUserFile(path);
  // The format is told by the bytes, not the name: a .pt renamed .safetensors is named as what it is.
  const format = sniffFormat(bytes);
  if (format !== 'safetensors' && format !== 'onnx')
    throw new ModelFileError(
      `${path}: ${wrongFormat(format, 'a state dict (.safetensors) or an ONNX model') ?? 'it is neither a safetensors state dict nor an ONNX model'}`,
    );
  const { model, found } =
    format === 'onnx'
      ? importOnnx(bytes, { ...o, what: path })
      : importStateDict(decodeSafetensors(bytes, path).tensors, { ...o, what: path });
  writeFileAtomic(o.out, encodeModel(model, { imported: { from: path, ...found }, output: found.output }, VERSION));
  const summary = {
    model: o.out,
    cell: found.cell,
    prefix: found.prefix,
    head: found.head,
    biases: found.biases,
    layers: model.rnn.numLayers,
    bidirectional: model.rnn.numDirections === 2,
    input_size: model.inputSize,
    hidden_size: model.rnn.hiddenSize,
    output_size: model.outputSize,
    output: found.output,
    readout: model.readout,
    dtype: model.rnn.dtype,
    ignored: found.ignored,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stderr.write(
      `imported ${found.cell.toUpperCase()} from '${found.prefix}' (${summary.layers} layer(s), hidden ${summary.hidden_size}${summary.bidirectional ? ', bidirectional' : ''}${found.biases ? '' : ', no biases'}), head ${found.head === null ? 'none (identity)' : `'${found.head}'`} → ${model.outputSize} ${found.output}, readout ${model.readout}, ${model.rnn.dtype} → ${o.out}\n`,
    );
    if (found.ignored.length)
      process.stderr.write(`ignored ${found.ignored.length} tensor(s), as --ignore asked: ${found.ignored.join(', ')}\n`);
  }
}

/** `lstm export --model FILE --onnx OUT.onnx`: the model as an ONNX graph of standard operators. */
export async function exportCommand(o: { model: string; onnx: string; force?: boolean }): Promise<void> {
  if (!o.onnx.endsWith('.onnx')) throw new UsageError(`--onnx ${o.onnx}: an ONNX file ends in .onnx`);
  if (existsSync(o.onnx) && !o.force) throw new UsageError(`${o.onnx} already exists; pass --force to overwrite it or choose another path`);
  await selectBackend();
  const file = readModel(o.model);
  writeFileAtomic(o.onnx, exportOnnx(file.model, VERSION));
  process.stderr.write(`wrote ${o.onnx} (inputs: input [batch, sequence, ${file.model.inputSize}] float32, sequence_lens [batch] int32)\n`);
}
