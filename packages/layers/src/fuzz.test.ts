import { registerBackend, setBackendSync } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { runFuzz, safetensorsMutants } from '@lstm/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from './model-file.js';
import { expectedTensors } from './model-schema.js';
import { decodeSafetensors } from './safetensors.js';
import { SequenceModel } from './sequence-model.js';

registerBackend(cpu());
setBackendSync('cpu');

describe('fuzzing model files (issue 9)', () => {
  const model = new SequenceModel({ cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, outputSize: 4, seed: 3 });
  const file = encodeModel(model, { task: { name: 'first-last', options: { seed: 1, trainSize: 100 } }, vocabulary: ['a', 'b'] }, '0.1.0');

  it('decodes 1,300 seeded mutants of a real model file: no hang, no memory blow-up, only typed errors, nothing inconsistent accepted', () => {
    const original = JSON.stringify(decodeModel(file).architecture);
    const report = runFuzz(
      safetensorsMutants(file, 1300, 1),
      (bytes) => decodeModel(bytes),
      (bytes) => {
        // What a file may change and still be read: weight values and metadata the library does
        // not interpret (the caller's). Its architecture and its tensors' names and shapes may not.
        const { architecture } = decodeModel(bytes);
        if (JSON.stringify(architecture) !== original) return `architecture changed to ${JSON.stringify(architecture)}`;
        const held = decodeSafetensors(bytes).tensors;
        const expected = expectedTensors(architecture);
        if (Object.keys(held).length !== expected.size) return 'tensor count differs from the architecture';
        for (const [name, shape] of expected) if (held[name]?.shape.join() !== shape.join()) return `tensor ${name} disagrees`;
        return null;
      },
    );
    console.info(
      `model-file fuzz: ${JSON.stringify({ ...report, slow: report.slow.length, untyped: report.untyped.length, inconsistent: report.inconsistent.length, overMemory: report.overMemory.length })}`,
    );
    expect(report.untyped).toEqual([]);
    expect(report.slow).toEqual([]);
    expect(report.overMemory).toEqual([]);
    expect(report.inconsistent).toEqual([]);
    expect(report.rejected).toBeGreaterThan(700);
    expect(report.rejected + report.accepted).toBe(1300);
  });
});
