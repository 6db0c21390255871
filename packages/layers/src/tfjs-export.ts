import { ValueError } from '@lstm/core';
import { describeLstm, plainVariant } from './cells/lstm.js';
import { transposed } from './matrix.js';
import type { SequenceModel } from './sequence-model.js';

/** A TF.js layers model: model.json (its text) and the one weight file it names. */
export interface TfjsModelFiles {
  modelJson: string;
  /** The bytes of `weights.bin`, to write beside model.json. */
  weights: Uint8Array;
}

const LAYER = { lstm: 'LSTM', rnn: 'SimpleRNN' } as const;

/**
 * A SequenceModel as a TensorFlow.js layers model that `tf.loadLayersModel` loads and runs to the
 * same outputs: a Sequential of LSTM / SimpleRNN layers (bidirectional ones wrapped, merge mode
 * concat), stacked with return_sequences, and a linear Dense head (the model's logits; apply
 * softmax for probabilities). Refused, in one line, where TF.js computes something else:
 * a GRU (TF.js's applies the reset gate before the recurrent product), peephole and coupled
 * LSTMs, and 'last-output' of a bidirectional layer (no TF.js layer reads it).
 * @example
 * ```ts fragment
 * const { modelJson, weights } = exportTfjs(model);
 * writeFileSync('web/model.json', modelJson);
 * writeFileSync('web/weights.bin', weights);
 * // in the page: const net = await tf.loadLayersModel('web/model.json');
 * ```
 */
export function exportTfjs(model: SequenceModel, producerVersion = '0'): TfjsModelFiles {
  const { rnn } = model;
  const refuse = (why: string): never => {
    throw new ValueError(`TF.js export: ${why}`);
  };
  if (rnn.cell !== 'lstm' && rnn.cell !== 'gru' && rnn.cell !== 'rnn')
    refuse(`TF.js has no ${String(rnn.cell).toUpperCase()} layer; export an LSTM or an RNN`);
  if (rnn.cell === 'gru')
    refuse(
      "TF.js's GRU applies the reset gate before the recurrent product (resetAfter false, the only one it has); ours is PyTorch's — export it to ONNX instead",
    );
  if (rnn.cell === 'lstm' && !plainVariant(rnn, 'standard')) refuse(`TF.js has no ${describeLstm(rnn)}; export a standard LSTM`);
  if (rnn.dtype !== 'float32')
    refuse('TF.js holds float32 weights and this model is float64; rounding it is not an export — train or import it as float32');
  const D = rnn.numDirections;
  if (model.readout === 'last-output' && D === 2)
    refuse("no TF.js layer reads out[:, -1] of a bidirectional layer (its last output is h_n's); export a model with readout 'last'");
  const H = rnn.hiddenSize;
  const className = LAYER[rnn.cell as 'lstm' | 'rnn'];
  const values = new Map(model.parameters().map((p) => [p.name, Float32Array.from(p.value.readSync())]));
  const get = (name: string) => values.get(name) ?? refuse(`the model has no parameter '${name}'`);
  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const blobs: Float32Array[] = [];
  const put = (name: string, shape: number[], data: Float32Array) => {
    specs.push({ name, shape, dtype: 'float32' });
    blobs.push(data);
  };
  const G = rnn.cell === 'lstm' ? 4 : 1;
  const layers: unknown[] = [];
  for (let l = 0; l < rnn.numLayers; l++) {
    const input = l === 0 ? rnn.inputSize : D * H;
    const name = `${rnn.cell === 'lstm' ? 'lstm' : 'simple_rnn'}_${l + 1}`;
    const cell = {
      class_name: className,
      config: {
        name,
        trainable: true,
        units: H,
        activation: rnn.cell === 'rnn' ? rnn.nonlinearity : 'tanh',
        ...(rnn.cell === 'lstm' ? { recurrent_activation: rnn.gateActivation === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid' } : {}),
        use_bias: true,
        return_sequences: l < rnn.numLayers - 1 || model.readout === 'all',
        return_state: false,
        go_backwards: false,
        stateful: false,
        unroll: false,
        dropout: 0,
        recurrent_dropout: 0,
      },
    };
    const first = l === 0 ? { batch_input_shape: [null, null, rnn.inputSize], dtype: 'float32' } : {};
    layers.push(
      D === 2
        ? {
            class_name: 'Bidirectional',
            config: { name: `bidirectional_${l + 1}`, trainable: true, merge_mode: 'concat', layer: cell, ...first },
          }
        : { ...cell, config: { ...cell.config, ...first } },
    );
    for (let d = 0; d < D; d++) {
      const prefix = D === 2 ? `bidirectional_${l + 1}/${d === 0 ? 'forward' : 'backward'}_${name}` : name;
      const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
      // PyTorch's [G·H, in] is Keras's kernel [in, G·H] transposed; the gate order (i, f, g, o) is the same.
      put(`${prefix}/kernel`, [input, G * H], transposed(get(`weight_ih${suffix}`), G * H, input));
      put(`${prefix}/recurrent_kernel`, [H, G * H], transposed(get(`weight_hh${suffix}`), G * H, H));
      const hh = get(`bias_hh${suffix}`);
      const bias = get(`bias_ih${suffix}`).map((b, k) => b + (hh[k] ?? 0));
      put(`${prefix}/bias`, [G * H], bias);
    }
  }
  const F = D * H;
  const O = model.outputSize;
  layers.push({ class_name: 'Dense', config: { name: 'dense_1', trainable: true, units: O, activation: 'linear', use_bias: true } });
  put('dense_1/kernel', [F, O], transposed(get('head.weight'), O, F));
  put('dense_1/bias', [O], get('head.bias'));
  const weights = new Uint8Array(blobs.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of blobs) {
    weights.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offset);
    offset += b.byteLength;
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `@lstm ${producerVersion}`,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_1', layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { modelJson: JSON.stringify(modelJson), weights };
}
