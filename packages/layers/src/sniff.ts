/**
 * What a file is, told from its first bytes before any parser sees it, so a wrong file gets
 * one line naming its format and the fix instead of a parser's complaint about a header length.
 */
export type FileFormat =
  | 'safetensors'
  | 'onnx'
  | 'torch-zip'
  | 'torchscript'
  | 'zip'
  | 'pickle'
  | 'hdf5'
  | 'tfjs'
  | 'json'
  | 'text'
  | 'empty'
  | 'unknown';

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** Whether the first bytes decode as UTF-8 text with no control characters but tab, CR and LF. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  const text = new TextDecoder('utf-8').decode(head);
  // A cut in the middle of a multi-byte character at the end of the window is not a reason to refuse.
  const body = head.length === 512 ? text.slice(0, -2) : text;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    if (control || code === 0xfffd) return false;
  }
  return true;
}

/** Whether `needle` (ASCII) occurs in the bytes. */
function contains(bytes: Uint8Array, needle: string): boolean {
  const first = needle.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first); i !== -1 && i + needle.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle.charCodeAt(k)) continue outer;
    return true;
  }
  return false;
}

/**
 * Whether the bytes open like an ONNX ModelProto: field 1 (ir_version, a small varint) and then
 * one of the fields a model begins with (producer name or version, domain, opset, graph).
 */
function looksLikeOnnx(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x08 && (bytes[1] ?? 0) >= 1 && (bytes[1] ?? 0) <= 30 && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(bytes[2] ?? 0)
  );
}

/** The format of a file from its bytes (no parsing beyond magic numbers and archive entry names). */
export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, HDF5)) return 'hdf5';
  if (startsWith(bytes, ZIP)) {
    // TorchScript archives hold their code (code/…, constants.pkl); torch.save archives only data.pkl.
    if (contains(bytes, 'constants.pkl') || contains(bytes, '/code/')) return 'torchscript';
    return contains(bytes, 'data.pkl') ? 'torch-zip' : 'zip';
  }
  // safetensors: a little-endian u64 header length, then a JSON object.
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const declared = view.getBigUint64(0, true);
    if (declared >= 2n && declared <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  // Python pickles start with the PROTO opcode and a protocol number (torch.save's legacy format);
  // checked after safetensors, whose header length may begin with the same two bytes.
  if (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5) return 'pickle';
  if (looksLikeOnnx(bytes)) return 'onnx';
  if (looksLikeText(bytes)) {
    if (!/^\s*[[{]/.test(new TextDecoder().decode(bytes.subarray(0, 64)))) return 'text';
    return contains(bytes.subarray(0, 4096), '"modelTopology"') ? 'tfjs' : 'json';
  }
  return 'unknown';
}

/** Python that turns a torch.save state dict into a file `lstm import` reads. */
export const STATE_DICT_TO_SAFETENSORS =
  "in Python: import torch; from safetensors.torch import save_file; save_file(torch.load('PATH', map_location='cpu'), 'OUT.safetensors') — then lstm import OUT.safetensors";

/** One line saying what a file that is not `expected` is, and what to do with it; null for an unknown format. */
export function wrongFormat(format: FileFormat, expected: string): string | null {
  const not = `not ${expected}`;
  switch (format) {
    case 'empty':
      return 'the file is empty';
    case 'safetensors':
      return `it is a safetensors file, ${not}; lstm import reads it as a state dict`;
    case 'onnx':
      return `it is an ONNX model, ${not}; turn it into a model file with lstm import FILE.onnx --out MODEL.safetensors`;
    case 'torch-zip':
      return `it is a torch.save() archive (.pt/.pth), ${not}; if it holds a state dict, ${STATE_DICT_TO_SAFETENSORS}`;
    case 'zip':
      return `it is a zip archive, ${not}`;
    case 'torchscript':
      return `it is a TorchScript model (torch.jit.save), ${not}; in Python: m = torch.jit.load('PATH'); torch.onnx.export(m, (x,), 'OUT.onnx'), or save_file(m.state_dict(), 'OUT.safetensors') — then lstm import it`;
    case 'pickle':
      return `it is a Python pickle (torch.save in the legacy format), ${not}; ${STATE_DICT_TO_SAFETENSORS}`;
    case 'hdf5':
      return `it is an HDF5 file (a Keras .h5 model?), ${not}; convert a Keras model with tensorflowjs_converter --input_format keras MODEL.h5 DIR, then lstm import DIR/model.json`;
    case 'tfjs':
      return `it is a TensorFlow.js model.json, ${not}; turn it into a model file with lstm import model.json --out MODEL.safetensors`;
    case 'json':
      return `it is JSON, ${not}`;
    case 'text':
      return `it is a text file, ${not}`;
    default:
      return null;
  }
}

/** One line for a file given where a model file (.safetensors) was expected, or null. */
export function notSafetensors(format: FileFormat): string | null {
  if (format === 'safetensors') return null;
  const line = wrongFormat(format, 'a .safetensors file');
  if (line === null) return null;
  return format === 'json' || format === 'text' ? `${line}; give a file written by lstm train, lstm import or safetensors` : line;
}
