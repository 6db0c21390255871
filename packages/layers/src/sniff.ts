/**
 * What a file is, told from its first bytes before any parser sees it, so a wrong file gets
 * one line naming its format and the fix instead of a parser's complaint about a header length.
 */
export type FileFormat = 'safetensors' | 'zip' | 'pickle' | 'hdf5' | 'json' | 'text' | 'empty' | 'unknown';

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

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

/** The format of a file from its first bytes (no parsing beyond them). */
export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, HDF5)) return 'hdf5';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  // Python pickles start with the PROTO opcode and a protocol number (torch.save's legacy format).
  if (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5) return 'pickle';
  // safetensors: a little-endian u64 header length, then a JSON object.
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const declared = view.getBigUint64(0, true);
    if (declared >= 2n && declared <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  if (looksLikeText(bytes)) return /^\s*[[{]/.test(new TextDecoder().decode(bytes.subarray(0, 64))) ? 'json' : 'text';
  return 'unknown';
}

/** One line saying what a non-safetensors file looks like and what to do with it, or null. */
export function notSafetensors(format: FileFormat): string | null {
  switch (format) {
    case 'empty':
      return 'the file is empty';
    case 'zip':
      return (
        'it is a zip archive — a torch.save() .pt/.pth file or a TorchScript model, not a .safetensors file; ' +
        'in Python: from safetensors.torch import save_file; save_file(torch.load(PATH), OUT.safetensors) (a state dict), then lstm import OUT.safetensors'
      );
    case 'pickle':
      return 'it is a Python pickle (torch.save in the legacy format), not a .safetensors file; write the state dict with safetensors.torch.save_file and import that';
    case 'hdf5':
      return 'it is an HDF5 file (a Keras .h5 model?), not a .safetensors file; convert the Keras model with tensorflowjs_converter or export its weights from PyTorch';
    case 'json':
      return 'it is JSON (a TensorFlow.js model.json?), not a .safetensors file; give a file written by lstm train, lstm import or safetensors';
    case 'text':
      return 'it is a text file, not a .safetensors file; give a file written by lstm train, lstm import or safetensors';
    default:
      return null;
  }
}
