import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type FileFormat, sniffFormat } from './sniff.js';

const zip = (entry: string) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(26), ...new TextEncoder().encode(entry)]);

describe('sniffFormat tells formats apart from their first bytes', () => {
  const cases: [string, Uint8Array, FileFormat][] = [
    ['an ONNX model from torch.onnx.export', readFileSync(new URL('./__fixtures__/onnx/gru-l1.onnx', import.meta.url)), 'onnx'],
    [
      'a safetensors state dict',
      readFileSync(new URL('./__fixtures__/state-dicts/gru-l2-f16.safetensors', import.meta.url)),
      'safetensors',
    ],
    ['a torch.save archive', zip('archive/data.pkl'), 'torch-zip'],
    ['a TorchScript archive', zip('archive/constants.pkl'), 'torchscript'],
    ['another zip', zip('readme.txt'), 'zip'],
    ['a legacy pickle', Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c]), 'pickle'],
    ['an HDF5 file', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'hdf5'],
    ['a TF.js model.json', new TextEncoder().encode('{"format": "layers-model", "modelTopology": {}}'), 'tfjs'],
    ['other JSON', new TextEncoder().encode('[[1, 2], [3]]'), 'json'],
    ['text', new TextEncoder().encode('hello'), 'text'],
    ['nothing', new Uint8Array(0), 'empty'],
  ];
  for (const [name, bytes, format] of cases) it(name, () => expect(sniffFormat(bytes)).toBe(format));

  it('a safetensors file whose header length begins like a pickle (0x80 0x02) is still safetensors', () => {
    // A 640-byte header: its little-endian length starts 0x80 0x02, a pickle's first two bytes.
    const json = new TextEncoder().encode(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).padEnd(640, ' '));
    const bytes = new Uint8Array(8 + 640 + 4);
    new DataView(bytes.buffer).setBigUint64(0, 640n, true);
    bytes.set(json, 8);
    expect([bytes[0], bytes[1]]).toEqual([0x80, 0x02]);
    expect(sniffFormat(bytes)).toBe('safetensors');
  });
});
