import { ValueError } from '@lstm/core';
import { notSafetensors, sniffFormat } from './sniff.js';

/** The dtypes @lstm reads and writes (safetensors names). */
export type SafetensorsDType = 'F32' | 'F64';

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array | Float64Array;
  /** Set when the file held the tensor in half precision, widened to float32 on reading. */
  stored?: 'F16' | 'BF16';
}

export interface SafetensorsFile {
  tensors: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** A model file that cannot be read; the message says what is wrong and what to do. */
export class ModelFileError extends ValueError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The dtypes read: F32 and F64 as they are, F16 and BF16 widened to float32 (exactly: every half value is a float32). */
type StoredDType = SafetensorsDType | 'F16' | 'BF16';
const ITEM_SIZE: Record<StoredDType, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
const READ: Record<StoredDType, (view: DataView, at: number) => number> = {
  F32: (view, at) => view.getFloat32(at, true),
  F64: (view, at) => view.getFloat64(at, true),
  F16: (view, at) => halfToNumber(view.getUint16(at, true)),
  // bfloat16 is the upper half of a float32.
  BF16: (view, at) => {
    scratch.setUint32(0, view.getUint16(at, true) << 16, true);
    return scratch.getFloat32(0, true);
  },
};
const scratch = new DataView(new ArrayBuffer(4));

/** An IEEE 754 binary16 value (1 sign, 5 exponent, 10 fraction bits) as a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
const KNOWN_DTYPES = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64', 'F8_E4M3', 'F8_E5M2'];
const MAX_HEADER = 100_000_000;

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header length, a JSON
 * header ({name: {dtype, shape, data_offsets}}, plus `__metadata__` of strings) padded with
 * spaces to 8 bytes, then the raw little-endian data, tensors in name order with no gaps.
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsEntry>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const { dtype, shape, data } = tensors[name]!;
    const bytes = data.length * ITEM_SIZE[dtype];
    if (shape.reduce((a, b) => a * b, 1) !== data.length)
      throw new ValueError(`safetensors: '${name}' has ${data.length} values for shape [${shape.join(', ')}]`);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  const jsonLength = encoder.encode(json).length;
  json += ' '.repeat((8 - ((8 + jsonLength) % 8)) % 8);
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const start = 8 + headerBytes.length;
  for (const name of names) {
    const { dtype, data } = tensors[name]!;
    const [begin] = (header[name] as { data_offsets: [number, number] }).data_offsets;
    for (let i = 0; i < data.length; i++) {
      if (dtype === 'F32') view.setFloat32(start + begin + i * 4, data[i]!, true);
      else view.setFloat64(start + begin + i * 8, data[i]!, true);
    }
  }
  return out;
}

/**
 * Decodes a safetensors file, checking everything before reading any data: the header length
 * against the file, the JSON, every dtype, shape and offset range, that the tensors neither
 * overlap nor leave gaps, and that nothing trails the last one. `what` names the file in errors.
 */
export function decodeSafetensors(bytes: Uint8Array, what = 'model file'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new ModelFileError(`${what}: ${problem} — it is not a valid .safetensors file (truncated or corrupt?); re-export or re-train it`);
  };
  const foreign = notSafetensors(sniffFormat(bytes));
  if (foreign) throw new ModelFileError(`${what}: ${foreign}`);
  if (bytes.length < 8) fail(`only ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) fail(`the header claims ${declared} bytes but only ${bytes.length - 8} follow`);
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER) fail(`a ${headerLength}-byte header is larger than the format allows`);
  let header: unknown;
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch {
    fail('the header is not valid UTF-8 JSON');
  }
  const duplicate = duplicateKey(text);
  if (duplicate !== null) fail(`the header names ${JSON.stringify(duplicate)} twice`);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const entries = header as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const raw = entries.__metadata__;
  if (raw !== undefined) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object of strings');
    for (const [k, v] of Object.entries(raw as object)) {
      if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
      metadata[k] = v as string;
    }
  }
  const ranges: { name: string; begin: number; end: number; dtype: StoredDType; shape: number[] }[] = [];
  for (const [name, value] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null) fail(`tensor '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype)) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!((dtype as string) in ITEM_SIZE))
      throw new ModelFileError(
        `${what}: tensor '${name}' is ${dtype as string}, a dtype @lstm does not read (it reads F32, F64, and F16 and BF16 widened to float32); in Python, save the state dict as float32: {k: v.float() for k, v in sd.items()}`,
      );
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) fail(`tensor '${name}' spans bytes [${begin}, ${end}) but the data section has ${dataLength}`);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size * ITEM_SIZE[dtype as StoredDType] !== end - begin) {
      fail(
        `tensor '${name}' has shape [${(shape as number[]).join(', ')}] (${size} values) but ${end - begin} bytes of ${dtype as string}`,
      );
    }
    ranges.push({ name, begin, end, dtype: dtype as StoredDType, shape: shape as number[] });
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const r of ranges) {
    if (r.begin < covered) fail(`tensor '${r.name}' overlaps the tensor before it`);
    if (r.begin > covered) fail(`a gap of ${r.begin - covered} bytes lies before tensor '${r.name}'`);
    covered = r.end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes trail the last tensor`);
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const { name, begin, end, dtype, shape } of ranges) {
    const size = ITEM_SIZE[dtype];
    const count = (end - begin) / size;
    const data = dtype === 'F64' ? new Float64Array(count) : new Float32Array(count);
    const read = READ[dtype];
    for (let i = 0; i < count; i++) data[i] = read(view, dataStart + begin + i * size);
    tensors[name] = {
      dtype: dtype === 'F64' ? 'F64' : 'F32',
      shape,
      data,
      ...(dtype === 'F16' || dtype === 'BF16' ? { stored: dtype } : {}),
    };
  }
  return { tensors, metadata };
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * The first key that appears twice in one object of a valid JSON text, or null. JSON.parse
 * keeps the last of two equal keys without a word, so a file naming a tensor twice would be
 * read as whichever came last; the format's own readers refuse it, and so do we.
 */
function duplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = []; // one set of keys per open object, null for arrays
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (WHITESPACE.has(text[next]!)) next++;
      const keys = objects.at(-1);
      if (text[next] === ':' && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    } else if (ch === '{') objects.push(new Set());
    else if (ch === '[') objects.push(null);
    else if (ch === '}' || ch === ']') objects.pop();
  }
  return null;
}
