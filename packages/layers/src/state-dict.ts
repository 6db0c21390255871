import { ShapeError, ValueError, tensor, type FloatArray } from '@lstm/core';
import type { Module } from './parameter.js';

/**
 * Loads weights by PyTorch name (a state dict exported as flat arrays). Every parameter must be
 * present with the right number of values; unknown names are an error, so a mismatched model
 * fails loudly instead of half-loading.
 */
export function loadStateDict(module: Module, values: Record<string, FloatArray | readonly number[]>): void {
  const parameters = module.parameters();
  const known = new Set(parameters.map((p) => p.name));
  const unknown = Object.keys(values).filter((name) => !known.has(name));
  if (unknown.length)
    throw new ValueError(`loadStateDict: unknown parameter(s) ${unknown.join(', ')}; this model has ${[...known].join(', ')}`);
  // Validate everything before assigning anything.
  for (const p of parameters) {
    const source = values[p.name];
    if (!source) throw new ValueError(`loadStateDict: missing parameter '${p.name}' [${p.shape.join(', ')}]`);
    if (source.length !== p.value.size)
      throw new ShapeError(
        `loadStateDict: '${p.name}' has ${source.length} values, expected ${p.value.size} for shape [${p.shape.join(', ')}]`,
      );
  }
  for (const p of parameters) p.assign(tensor(Float64Array.from(values[p.name]!), p.shape, p.value.dtype));
}
