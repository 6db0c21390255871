import { LstmError } from '../errors.js';
import { Rng } from '../random.js';

/**
 * Seeded mutants of a .safetensors file for fuzz tests: every way a file on disk goes wrong —
 * flipped bits, truncation, a lying header length, wrong dtypes, shapes and offsets, duplicated,
 * missing and extra tensors, metadata fields of every wrong type and size, non-UTF-8 bytes.
 * The same seed gives the same mutants, so a failure is reproducible from its index.
 */
export interface Mutant {
  /** What was done, for the failure message. */
  kind: string;
  bytes: Uint8Array;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Header = Record<string, Json>;

const WRONG_VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -1e9,
  1e9,
  2 ** 53,
  1e308,
  '',
  'x',
  '1',
  'NaN',
  [],
  [1, 2, 3],
  {},
  { a: 1 },
  'é'.repeat(300),
  Array.from({ length: 10_000 }, (_, i) => i),
];
const DTYPES = ['F32', 'F64', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'X', '', 'f32'];

export function safetensorsMutants(file: Uint8Array, count: number, seed: number): Mutant[] {
  const rng = Rng.derive(seed, 'fuzz');
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Header;
  const data = file.subarray(8 + headerLength);
  const tensorNames = Object.keys(header).filter((k) => k !== '__metadata__');
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
  const clone = (): Header => JSON.parse(JSON.stringify(header)) as Header;
  const operators: [string, () => Uint8Array][] = [
    [
      'bit flips',
      () => {
        const out = file.slice();
        for (let n = 1 + rng.int(8); n > 0; n--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
        return out;
      },
    ],
    ['truncation', () => file.slice(0, rng.int(file.length))],
    [
      'header length',
      () => {
        const out = file.slice();
        const lengths = [0n, 1n, 7n, BigInt(headerLength - 1), BigInt(headerLength + 1), BigInt(file.length), 2n ** 40n, 2n ** 64n - 1n];
        new DataView(out.buffer).setBigUint64(0, pick(lengths), true);
        return out;
      },
    ],
    ['dtype', () => edit((h) => (tensor(h).dtype = pick(DTYPES)))],
    [
      'shape',
      () =>
        edit((h) => {
          const entry = tensor(h);
          const shape = [...(entry.shape as number[])];
          const choice = rng.int(4);
          if (choice === 0) shape.push(1 + rng.int(3));
          else if (choice === 1) shape.pop();
          else shape[rng.int(Math.max(shape.length, 1))] = pick(WRONG_VALUES) as number;
          entry.shape = choice === 3 ? (pick(WRONG_VALUES) as Json) : shape;
        }),
    ],
    [
      'offsets',
      () =>
        edit((h) => {
          const entry = tensor(h);
          const [begin, end] = entry.data_offsets as [number, number];
          const choices: Json[] = [
            [end, begin],
            [begin + 4, end + 4],
            [begin - 4, end],
            [begin, end + 8],
            [0, 0],
            [begin, 2 ** 40],
            [-8, end],
            [begin, end, 0],
            pick(WRONG_VALUES),
          ];
          entry.data_offsets = pick(choices);
        }),
    ],
    [
      'duplicate tensor',
      () => {
        const name = pick(tensorNames);
        const json = JSON.stringify(header);
        const duplicate = `${JSON.stringify(name)}:${JSON.stringify(header[name])}`;
        return assemble(json.replace('{', `{${duplicate},`), data);
      },
    ],
    ['missing tensor', () => edit((h) => delete h[pick(tensorNames)])],
    ['extra tensor', () => edit((h) => (h[`${pick(tensorNames)}.extra`] = JSON.parse(JSON.stringify(h[pick(tensorNames)])) as Json))],
    [
      'metadata field',
      () =>
        edit((h) => {
          const metadata = h.__metadata__ as Record<string, Json>;
          const key = pick(Object.keys(metadata));
          if (rng.next() < 0.2) {
            metadata[key] = pick(WRONG_VALUES); // not a string at all
            return;
          }
          let value: Json;
          try {
            value = JSON.parse(metadata[key] as string) as Json;
          } catch {
            metadata[key] = JSON.stringify(pick(WRONG_VALUES));
            return;
          }
          metadata[key] = JSON.stringify(mutateJson(value));
        }),
    ],
    [
      'metadata removed',
      () =>
        edit((h) => {
          const metadata = h.__metadata__ as Record<string, Json>;
          delete metadata[pick(Object.keys(metadata))];
        }),
    ],
    [
      'non-UTF-8 header',
      () => {
        const out = file.slice();
        out[8 + 1 + rng.int(headerLength - 2)] = pick([0xff, 0xfe, 0xc0, 0x80]);
        return out;
      },
    ],
    [
      'data bytes',
      () => {
        const out = file.slice();
        for (let n = 1 + rng.int(16); n > 0; n--) out[8 + headerLength + rng.int(data.length)] = rng.int(256);
        return out;
      },
    ],
  ];

  function tensor(h: Header): Record<string, Json> {
    return h[pick(tensorNames)] as Record<string, Json>;
  }
  function edit(change: (h: Header) => unknown): Uint8Array {
    const h = clone();
    change(h);
    return assemble(JSON.stringify(h), data);
  }
  /** Replaces one value somewhere inside `value` (or the whole of it) by a wrong one. */
  function mutateJson(value: Json): Json {
    if (value === null || typeof value !== 'object' || rng.next() < 0.15) return pick(WRONG_VALUES);
    if (Array.isArray(value)) {
      if (value.length === 0) return pick(WRONG_VALUES);
      const i = rng.int(value.length);
      const copy = [...value];
      copy[i] = mutateJson(copy[i]!);
      return copy;
    }
    const keys = Object.keys(value);
    const copy = { ...value };
    const roll = rng.next();
    if (keys.length === 0 || roll < 0.1) copy[`unknown${rng.int(10)}`] = pick(WRONG_VALUES);
    else if (roll < 0.2) delete copy[pick(keys)];
    else {
      const key = pick(keys);
      copy[key] = mutateJson(copy[key]!);
    }
    return copy;
  }

  return Array.from({ length: count }, (_, i) => {
    const [kind, make] = operators[i % operators.length]!;
    return { kind, bytes: make() };
  });
}

function assemble(json: string, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** Outcome counts of decoding every mutant; the test asserts on them and prints them. */
export interface FuzzReport {
  mutants: number;
  rejected: number;
  accepted: number;
  slow: string[];
  untyped: string[];
  inconsistent: string[];
  overMemory: string[];
}

/**
 * Decodes each mutant under a time bound (1 s) and a memory bound (16× its own size + 4 MB of
 * new array buffers), sorting outcomes: rejected with the library's typed error, accepted, or a
 * failure of the bounds. `check` verifies what an accepted file claims against what it holds.
 */
export function runFuzz(
  mutants: { kind: string; bytes: Uint8Array }[],
  decode: (bytes: Uint8Array) => void,
  check: (bytes: Uint8Array) => string | null,
): FuzzReport {
  const report: FuzzReport = { mutants: mutants.length, rejected: 0, accepted: 0, slow: [], untyped: [], inconsistent: [], overMemory: [] };
  mutants.forEach(({ kind, bytes }, index) => {
    const label = `#${index} (${kind})`;
    const memory = arrayBufferBytes();
    const started = performance.now();
    try {
      decode(bytes);
      report.accepted++;
      const problem = check(bytes);
      if (problem) report.inconsistent.push(`${label}: ${problem}`);
    } catch (error) {
      if (error instanceof LstmError && !String(error.message).includes('\n')) report.rejected++;
      else report.untyped.push(`${label}: ${String(error)}`);
    }
    if (performance.now() - started > 1000) report.slow.push(label);
    if (arrayBufferBytes() - memory > 16 * bytes.length + (4 << 20)) report.overMemory.push(label);
  });
  return report;
}

/** Bytes held in array buffers now (Node); 0 where the runtime does not say (browsers). */
function arrayBufferBytes(): number {
  const memory = (globalThis as { process?: { memoryUsage?: () => { arrayBuffers: number } } }).process?.memoryUsage;
  return memory ? memory().arrayBuffers : 0;
}
