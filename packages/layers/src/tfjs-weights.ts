import { ModelFileError } from './safetensors.js';
import { halfToNumber } from './safetensors.js';

/** One weight of a TF.js model, as its manifest names it, with its values (float32 or widened float16). */
export interface TfjsWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Reads a weight file named by a manifest (a plain file name beside model.json); undefined when it is missing. */
export type ReadWeightFile = (path: string) => Uint8Array | undefined;

/** Largest model a manifest may claim (values), far above any recurrent model a browser trains. */
const MAX_VALUES = 1 << 28;
const MAX_FILES = 10_000;

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

/**
 * The weights of a TF.js `weightsManifest`, checked before anything is allocated: every group's
 * paths are plain file names (never `..` or absolute), every shape is non-negative integers of a
 * bounded size, the dtypes are float32 (or float16 quantization, widened exactly), and each
 * group's files hold exactly the bytes its weights need — then read in manifest order.
 */
export function readWeightsManifest(manifest: unknown, read: ReadWeightFile, fail: (m: string) => never): TfjsWeight[] {
  if (!Array.isArray(manifest)) return fail("'weightsManifest' is not a list of weight groups");
  const out: TfjsWeight[] = [];
  let total = 0;
  let files = 0;
  for (const [g, group] of manifest.entries()) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) fail(`weight group ${g} has no list of paths`);
    if (!Array.isArray(weights)) fail(`weight group ${g} has no list of weights`);
    files += (paths as string[]).length;
    if (files > MAX_FILES) fail('the manifest names more weight files than any model has');
    const entries = (weights as unknown[]).map((w, k) => entryOf(w, `weight ${k} of group ${g}`, fail));
    const items = entries.map((e) => {
      const size = e.shape.reduce((a, b) => a * b, 1);
      total += size;
      if (total > MAX_VALUES) fail('the manifest claims more weights than any recurrent model holds');
      return { e, size, bytes: e.quantization?.dtype === 'float16' ? 2 : 4 };
    });
    const needed = items.reduce((n, { size, bytes }) => n + size * bytes, 0);
    const parts = (paths as string[]).map((path) => {
      if (!/^[\w.-]+$/.test(path) || path === '.' || path === '..')
        fail(`weight file '${path}' is not a plain file name beside model.json`);
      return read(path) ?? fail(`weight file '${path}' is missing; it must sit beside model.json`);
    });
    const held = parts.reduce((n, p) => n + p.length, 0);
    if (held !== needed) fail(`weight group ${g} (${(paths as string[]).join(', ')}) holds ${held} bytes; its weights need ${needed}`);
    const all = new Uint8Array(held);
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.length;
    }
    const view = new DataView(all.buffer);
    offset = 0;
    for (const { e, size, bytes } of items) {
      const data = new Float32Array(size);
      if (bytes === 2) for (let i = 0; i < size; i++) data[i] = halfToNumber(view.getUint16(offset + 2 * i, true));
      else for (let i = 0; i < size; i++) data[i] = view.getFloat32(offset + 4 * i, true);
      offset += size * bytes;
      if (!data.every(Number.isFinite)) fail(`weight '${e.name}' contains NaN or infinite values`);
      out.push({ name: e.name, shape: e.shape, data });
    }
  }
  const names = new Set<string>();
  for (const w of out) {
    if (names.has(w.name)) fail(`the manifest names weight '${w.name}' twice`);
    names.add(w.name);
  }
  return out;
}

function entryOf(value: unknown, label: string, fail: (m: string) => never): ManifestEntry {
  const e = (value ?? {}) as Partial<ManifestEntry>;
  if (typeof e.name !== 'string') fail(`${label} has no name`);
  if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= MAX_VALUES))
    fail(`weight '${e.name}' has an invalid shape ${JSON.stringify(e.shape)}`);
  if (e.dtype !== 'float32') fail(`weight '${e.name}' is ${JSON.stringify(e.dtype)}; TF.js recurrent weights are float32`);
  const q = e.quantization?.dtype;
  if (q !== undefined && q !== 'float16')
    fail(
      `weight '${e.name}' is quantized to ${q}, which rounds its values; save the model without quantization (or with float16, read exactly)`,
    );
  return e as ManifestEntry;
}

/** A model file error for TF.js files, naming the file. */
export function tfjsError(what: string) {
  return (message: string): never => {
    throw new ModelFileError(`${what}: ${message}`);
  };
}
