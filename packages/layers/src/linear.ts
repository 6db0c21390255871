import {
  Rng,
  add,
  assertShape,
  matMul,
  reshape,
  sum,
  tensor,
  type DType,
  type Tensor,
  assertKnownOptions,
  assertPositiveInteger,
} from '@lstm/core';
import { uniform, xavierUniform } from './init.js';
import { Parameter, type Module } from './parameter.js';

export interface LinearOptions {
  inputSize: number;
  outputSize: number;
  bias?: boolean;
  /** 'default' = PyTorch's U(−1/√in, 1/√in); 'xavier' = Glorot uniform. */
  init?: 'default' | 'xavier';
  dtype?: DType;
  seed?: number;
  rng?: Rng;
  /** Parameter name prefix, e.g. 'head.' gives 'head.weight', 'head.bias'. */
  prefix?: string;
}

/** y = x Wᵀ + b, PyTorch's nn.Linear (weight [out, in]). Accepts [N, in] or [B, T, in]. */
export class Linear implements Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly options: LinearOptions) {
    assertKnownOptions('Linear', options, ['inputSize', 'outputSize', 'bias', 'init', 'dtype', 'seed', 'rng', 'prefix']);
    const inputSize = assertPositiveInteger('Linear', 'inputSize', options.inputSize);
    const outputSize = assertPositiveInteger('Linear', 'outputSize', options.outputSize);
    const rng = options.rng ?? Rng.derive(options.seed ?? 0, 'init');
    const dtype = options.dtype ?? 'float32';
    const prefix = options.prefix ?? '';
    const bound = 1 / Math.sqrt(inputSize);
    const weight = options.init === 'xavier' ? xavierUniform(rng, outputSize, inputSize) : uniform(rng, outputSize * inputSize, bound);
    this.weight = new Parameter(`${prefix}weight`, tensor(weight, [outputSize, inputSize], dtype));
    this.bias =
      options.bias === false ? null : new Parameter(`${prefix}bias`, tensor(uniform(rng, outputSize, bound), [outputSize], dtype));
  }

  parameters(): Parameter[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  forward(x: Tensor): { output: Tensor; input: Tensor } {
    const { inputSize, outputSize } = this.options;
    assertShape(x, [...x.shape.slice(0, -1).map(() => null), inputSize], 'Linear input', `the last axis must be inputSize (${inputSize})`);
    const flat = x.rank === 2 ? x : reshape(x, [-1, inputSize]);
    let y = matMul(flat, this.weight.value, { transposeB: true });
    if (this.bias) y = add(y, this.bias.value);
    return { output: x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), outputSize]), input: flat };
  }

  /** Adds dW = dyᵀ x and db = Σ dy to the parameters' grads; returns dx = dy W. */
  backward(dOutput: Tensor, input: Tensor): Tensor {
    const dy = dOutput.rank === 2 ? dOutput : reshape(dOutput, [-1, this.options.outputSize]);
    this.weight.accumulate(matMul(dy, input, { transposeA: true }));
    if (this.bias) this.bias.accumulate(sum(dy, 0));
    const dx = matMul(dy, this.weight.value);
    return dOutput.rank === 2 ? dx : reshape(dx, [...dOutput.shape.slice(0, -1), this.options.inputSize]);
  }
}
