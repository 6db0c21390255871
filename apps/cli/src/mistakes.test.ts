import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Every user mistake we could think of (issue 9), each run as a user runs it, in a child
 * process: it must end with exactly one line on stderr, no stack trace, no "internal error",
 * and the documented exit code — 1 bad input, 2 usage, 3 diverged (apps/cli/src/errors.ts).
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'lstm-mistakes-'));
const at = (name: string) => join(dir, name);
const command = (args: string[]) => [process.execPath, ['--conditions=@lstm/source', '--import', tsx, main, ...args]] as const;

function run(args: string[], timeout = 60_000): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  const [file, argv] = command(args);
  return new Promise((resolve) => {
    execFile(file, argv, { cwd: dir, timeout, encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr, killed: Boolean(error?.killed) });
    });
  });
}

const tiny = [
  '--task',
  'first-last',
  '--seq-len',
  '6',
  '--train-size',
  '128',
  '--validation-size',
  '32',
  '--test-size',
  '32',
  '--hidden',
  '8',
];
const USAGE = 2;
const INPUT = 1;
const DIVERGED = 3;

beforeAll(() => {
  const train = (args: string[]) => {
    const [file, argv] = command(['train', ...args, '--quiet']);
    const result = spawnSync(file, argv, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`fixture run failed: ${result.stderr}`);
  };
  train([...tiny, '--epochs', '1', '--out', at('run')]);
  writeFileSync(at('abc.txt'), 'abcdefgh '.repeat(300));
  train([
    '--task',
    'text',
    '--data',
    at('abc.txt'),
    '--hidden',
    '8',
    '--epochs',
    '1',
    '--bptt',
    '16',
    '--batch-size',
    '4',
    '--out',
    at('text'),
  ]);
  writeFileSync(
    at('random.safetensors'),
    Uint8Array.from({ length: 512 }, (_, i) => (i * 7919) % 256),
  );
  writeFileSync(at('empty.safetensors'), new Uint8Array(0));
  const model = readFileSync(at('run/model.safetensors'));
  writeFileSync(at('truncated.safetensors'), model.subarray(0, model.length - 10));
  const header = Number(model.readBigUInt64LE(0));
  const json = model
    .subarray(8, 8 + header)
    .toString('utf8')
    .replace('"hiddenSize\\":8', '"hiddenSize\\":\\"8\\"');
  const edited = Buffer.concat([Buffer.alloc(8), Buffer.from(json), model.subarray(8 + header)]);
  edited.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  writeFileSync(at('mistyped.safetensors'), edited);
  writeFileSync(at('a-file'), 'not a directory');
  mkdirSync(at('a-directory'));
  mkdirSync(at('empty-run'));
  mkdirSync(at('corrupt-run'));
  writeFileSync(at('corrupt-run/checkpoint.safetensors'), 'garbage');
  writeFileSync(at('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]));
  writeFileSync(at('short.txt'), 'ab');
  writeFileSync(at('words.csv'), 'x\n1\n2\nthree\n4\n');
  writeFileSync(at('nan.csv'), `x\n${Array.from({ length: 40 }, (_, i) => (i === 20 ? 'NaN' : String(i))).join('\n')}\n`);
  writeFileSync(at('empty.csv'), '');
  writeFileSync(at('not.json'), '{ this is not json');
  writeFileSync(
    at('wide.json'),
    JSON.stringify([
      [1, 2],
      [3, 4],
    ]),
  );
  writeFileSync(at('nulls.json'), JSON.stringify([[1], [null]]));
  writeFileSync(at('empty-sequence.json'), JSON.stringify([[]]));
  writeFileSync(at('strings.json'), JSON.stringify([['a'], ['b']]));
  writeFileSync(at('overflow.csv'), `x\n${Array.from({ length: 40 }, (_, i) => (i % 2 ? '1e308' : '-1e308')).join('\n')}\n`);
  writeFileSync(at('read-only'), '');
  writeFileSync(at('one-row.csv'), 'CO2\n1\n');
  writeFileSync(at('notes.txt'), 'hello\n');
  writeFileSync(at('model.pt'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from('archive/data.pkl')]));
  writeFileSync(
    at('script.pt'),
    Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from('archive/constants.pkl')]),
  );
  writeFileSync(at('model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {} }));
  writeFileSync(at('model.h5'), Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(60)]));
  writeFileSync(at('legacy.pt'), Buffer.concat([Buffer.from([0x80, 0x02, 0x8a, 0x0a]), Buffer.alloc(60)]));
  copyFileSync(fileURLToPath(new URL('../../../packages/layers/src/__fixtures__/onnx/gru-l1.onnx', import.meta.url)), at('net.onnx'));
  chmodSync(at('read-only'), 0o444);
}, 120_000);

const cases: [string, string[], number, RegExp][] = [
  // train: options
  ['no --task', ['train'], USAGE, /--task/],
  ['an unknown task', ['train', '--task', 'poetry'], USAGE, /poetry/],
  ['an unknown option', ['train', ...tiny, '--hiden', '8'], USAGE, /unknown option '--hiden'/],
  ['an unknown command', ['trian'], USAGE, /unknown command 'trian'/],
  ['--hidden 0', ['train', ...tiny, '--hidden', '0'], USAGE, /--hidden/],
  ['--hidden abc', ['train', ...tiny, '--hidden', 'abc'], USAGE, /--hidden/],
  ['--hidden past the model-file limit', ['train', ...tiny, '--hidden', '100000'], USAGE, /--hidden.*65536/],
  ['--layers 0', ['train', ...tiny, '--layers', '0'], USAGE, /--layers/],
  ['--layers 1000', ['train', ...tiny, '--layers', '1000'], USAGE, /--layers/],
  ['--epochs 0', ['train', ...tiny, '--epochs', '0'], USAGE, /--epochs/],
  ['--epochs 1.5', ['train', ...tiny, '--epochs', '1.5'], USAGE, /--epochs/],
  ['--lr 0', ['train', ...tiny, '--lr', '0'], USAGE, /--lr/],
  ['--lr -1', ['train', ...tiny, '--lr', '-1'], USAGE, /--lr/],
  ['--lr abc', ['train', ...tiny, '--lr', 'abc'], USAGE, /--lr/],
  ['--lr Infinity', ['train', ...tiny, '--lr', 'Infinity'], USAGE, /--lr/],
  ['--dropout 1.5', ['train', ...tiny, '--dropout', '1.5'], USAGE, /--dropout/],
  ['--dropout on one layer', ['train', ...tiny, '--dropout', '0.3'], USAGE, /--dropout acts between stacked layers/],
  ['--batch-size 0', ['train', ...tiny, '--batch-size', '0'], USAGE, /--batch-size/],
  ['--seq-len 1', ['train', ...tiny, '--seq-len', '1'], USAGE, /--seq-len/],
  ['--classes 1', ['train', ...tiny, '--classes', '1'], USAGE, /--classes/],
  ['--noise -1', ['train', ...tiny, '--noise', '-1'], USAGE, /--noise/],
  ['--markers bogus', ['train', ...tiny, '--markers', 'bogus'], USAGE, /--markers/],
  ['--cell bogus', ['train', ...tiny, '--cell', 'bogus'], USAGE, /--cell/],
  ['--optimizer bogus', ['train', ...tiny, '--optimizer', 'bogus'], USAGE, /--optimizer/],
  ['--schedule bogus', ['train', ...tiny, '--schedule', 'bogus'], USAGE, /--schedule/],
  [
    '--step-size with a cosine schedule',
    ['train', ...tiny, '--schedule', 'cosine', '--step-size', '2'],
    USAGE,
    /--step-size is for --schedule step/,
  ],
  ['--momentum 2', ['train', ...tiny, '--momentum', '2'], USAGE, /--momentum/],
  ['--clip 0', ['train', ...tiny, '--clip', '0'], USAGE, /--clip/],
  ['--seed -1', ['train', ...tiny, '--seed', '-1'], USAGE, /--seed/],
  ['--threads 0', ['train', ...tiny, '--threads', '0'], USAGE, /--threads/],
  ['--threads 1000', ['train', ...tiny, '--threads', '1000'], USAGE, /--threads/],
  ['--scheduled-sampling 2:3', ['train', '--task', 'text', '--scheduled-sampling', '2:3'], USAGE, /--scheduled-sampling/],
  [
    'an unknown backend',
    ['train', ...tiny, '--backend', 'quantum', '--out', at('b')],
    USAGE,
    /unknown backend 'quantum' Usable here: cpu, wasm, tfjs-wasm, tfjs-cpu, webgpu \(see lstm backends\)$/,
  ],
  // issue 20: a near miss gets "did you mean", and a backend this machine lacks is not offered
  [
    'webgl for tfjs-webgl',
    ['train', ...tiny, '--backend', 'webgl', '--out', at('b')],
    USAGE,
    /unknown backend 'webgl'; did you mean 'tfjs-webgl'\? Usable here: cpu, wasm, tfjs-wasm, tfjs-cpu, webgpu \(/,
  ],
  ['a misspelt backend', ['train', ...tiny, '--backend', 'wsam', '--out', at('b')], USAGE, /did you mean 'wasm'\?/],
  [
    'WebGL in Node',
    ['train', ...tiny, '--backend', 'tfjs-webgl', '--out', at('b')],
    USAGE,
    /--backend tfjs-webgl: tfjs-webgl: webgl needs a browser; Node offers wasm and cpu; usable here: tfjs-wasm, tfjs-cpu/,
  ],
  // issue 20: a bad thread count is a usage error (2), as the exit-code table says
  [
    'wasm with 32 threads',
    ['train', ...tiny, '--backend', 'wasm', '--threads', '32', '--out', at('b')],
    USAGE,
    /wasm: threads must be an integer from 1 to 16, got 32/,
  ],
  // issue 26: FMA is backend-wasm's; on another backend it would do nothing
  ['--fma on cpu', ['train', ...tiny, '--fma', '--out', at('b')], USAGE, /--fma is backend-wasm's fused multiply-add; add --backend wasm/],
  // issue 20: an option that does nothing for the cell is refused
  [
    '--forget-bias on a GRU',
    ['train', ...tiny, '--cell', 'gru', '--forget-bias', '2', '--out', at('b')],
    USAGE,
    /--forget-bias .* a gru cell has none/,
  ],
  ['--forget-bias on an RNN', ['train', ...tiny, '--cell', 'rnn', '--forget-bias', '2', '--out', at('b')], USAGE, /a rnn cell has none/],
  ['--resume with neither --out nor --task', ['train', '--resume'], USAGE, /--resume needs --out DIR/],
  // issue 20: a series too short names the option the CLI has (--seq-len), not the library's name
  ['a one-row CSV', ['train', '--task', 'series', '--data', at('one-row.csv'), '--out', at('s0')], INPUT, /--seq-len/],
  [
    '--bidirectional on a language model',
    ['train', '--task', 'text', '--data', at('abc.txt'), '--bidirectional', '--out', at('bi')],
    USAGE,
    /--bidirectional/,
  ],
  [
    '--data for a generated task',
    ['train', ...tiny, '--data', at('abc.txt'), '--out', at('d')],
    USAGE,
    /--data is for the text and series tasks/,
  ],
  // train: sizes beyond the machine
  ['--hidden the machine cannot hold', ['train', ...tiny, '--hidden', '60000', '--out', at('m1')], USAGE, /needs ≈ .* GB.*reduce --hidden/],
  [
    '--train-size the machine cannot hold',
    ['train', ...tiny, '--train-size', '1000000000', '--out', at('m2')],
    USAGE,
    /needs ≈ .*reduce --train-size/,
  ],
  [
    '--batch-size the machine cannot hold',
    ['train', ...tiny, '--batch-size', '100000000', '--seq-len', '1000', '--out', at('m3')],
    USAGE,
    /reduce --batch-size/,
  ],
  // train: output folders and runs
  ['--resume and --force together', ['train', ...tiny, '--resume', '--force', '--out', at('run')], USAGE, /choose one/],
  ['a saved model without --force', ['train', ...tiny, '--out', at('run')], USAGE, /already holds a model/],
  ['--resume with no checkpoint', ['train', ...tiny, '--resume', '--out', at('empty-run')], INPUT, /no checkpoint in/],
  [
    '--resume from a corrupt checkpoint',
    ['train', ...tiny, '--resume', '--out', at('corrupt-run')],
    INPUT,
    /checkpoint\.safetensors: it is a text file, not a \.safetensors file/,
  ],
  [
    '--resume with a different --hidden',
    ['train', ...tiny, '--hidden', '16', '--epochs', '3', '--resume', '--out', at('run')],
    USAGE,
    /--hidden 16 differs from the run .*\(8\)/,
  ],
  ['--resume of a finished run', ['train', ...tiny, '--resume', '--out', at('run')], USAGE, /already finished 1 epochs/],
  [
    '--resume on another backend with another optimizer',
    ['train', ...tiny, '--epochs', '3', '--optimizer', 'sgd', '--backend', 'tfjs-wasm', '--resume', '--out', at('run')],
    USAGE,
    /--optimizer "sgd" differs from the run/,
  ],
  ['--out that is a file', ['train', ...tiny, '--out', at('a-file')], INPUT, /a-file is a file, not a directory/],
  ['--out inside a file', ['train', ...tiny, '--out', join(at('a-file'), 'x')], INPUT, /a-file is a file, not a directory/],
  ['--out under /proc', ['train', ...tiny, '--out', '/proc/lstm-run'], INPUT, /\/proc\/lstm-run/],
  ['--out under /sys', ['train', ...tiny, '--out', '/sys/lstm-run'], INPUT, /\/sys\/lstm-run/],
  // train: data
  ['a missing text file', ['train', '--task', 'text', '--data', at('nope.txt')], INPUT, /no such file: .*nope\.txt/],
  [
    'a directory as the text',
    ['train', '--task', 'text', '--data', at('a-directory'), '--out', at('t1')],
    INPUT,
    /a-directory is a directory/,
  ],
  ['a text that is not UTF-8', ['train', '--task', 'text', '--data', at('latin1.txt'), '--out', at('t2')], INPUT, /not UTF-8/],
  ['a text too short', ['train', '--task', 'text', '--data', at('short.txt'), '--out', at('t3')], INPUT, /short|characters/],
  ['a CSV with words in a numeric column', ['train', '--task', 'series', '--data', at('words.csv'), '--out', at('s1')], INPUT, /three|row/],
  ['a CSV with NaN', ['train', '--task', 'series', '--data', at('nan.csv'), '--out', at('s2')], INPUT, /NaN|row/],
  [
    'an empty CSV',
    ['train', '--task', 'series', '--data', at('empty.csv'), '--out', at('s3')],
    INPUT,
    /needs a header row and at least one data row/,
  ],
  [
    'an unknown CSV column',
    ['train', '--task', 'series', '--data', at('nan.csv'), '--columns', 'y', '--out', at('s4')],
    INPUT,
    /'y'|column/,
  ],
  [
    'a CSV whose values overflow the normalisation',
    ['train', '--task', 'series', '--data', at('overflow.csv'), '--out', at('s5')],
    INPUT,
    /cannot be standardised/,
  ],
  [
    'a device as the text',
    ['train', '--task', 'text', '--data', '/dev/zero', '--out', at('t4')],
    INPUT,
    /\/dev\/zero is not a regular file/,
  ],
  // train: divergence
  [
    'a learning rate that diverges',
    ['train', ...tiny, '--lr', '1e6', '--epochs', '2', '--quiet', '--out', at('diverged')],
    DIVERGED,
    /training diverged.*diverged\/model\.safetensors/,
  ],
  // eval, info, predict, generate, forecast
  ['eval without --model', ['eval'], USAGE, /--model/],
  ['eval of a missing file', ['eval', '--model', at('nope.safetensors')], INPUT, /no such file/],
  ['eval of a directory', ['eval', '--model', at('a-directory')], INPUT, /a-directory is a directory/],
  ['eval of an empty file', ['eval', '--model', at('empty.safetensors')], INPUT, /the file is empty/],
  // issue 20: files are sniffed before they are parsed
  ['info of a text file', ['info', at('notes.txt')], INPUT, /notes\.txt: it is a text file, not a \.safetensors file/],
  [
    'info of a torch.save zip',
    ['info', at('model.pt')],
    INPUT,
    /it is a torch\.save\(\) archive \(\.pt\/\.pth\), not a \.safetensors file; .*save_file\(torch\.load/,
  ],
  [
    'info of a TorchScript file',
    ['info', at('script.pt')],
    INPUT,
    /it is a TorchScript model \(torch\.jit\.save\), not a \.safetensors file; .*torch\.jit\.load/,
  ],
  ['info of a model.json', ['info', at('model.json')], INPUT, /it is a TensorFlow\.js model\.json, not a \.safetensors file/],
  ['info of an HDF5 file', ['info', at('model.h5')], INPUT, /it is an HDF5 file/],
  ['info of a pickle', ['info', at('legacy.pt')], INPUT, /it is a Python pickle/],
  [
    'info of an ONNX model',
    ['info', at('net.onnx')],
    INPUT,
    /it is an ONNX model, not a \.safetensors file; turn it into a model file with lstm import/,
  ],
  [
    'predict with an ONNX model',
    ['predict', '--model', at('net.onnx'), '--input', at('nulls.json')],
    INPUT,
    /net\.onnx: it is an ONNX model, not a \.safetensors file/,
  ],
  [
    'import of a torch.save archive',
    ['import', at('model.pt'), '--out', at('pt.safetensors')],
    INPUT,
    /torch\.save\(\) archive .*save_file\(torch\.load/,
  ],
  [
    'import of a TorchScript file',
    ['import', at('script.pt'), '--out', at('ts.safetensors')],
    INPUT,
    /TorchScript model .*torch\.onnx\.export/,
  ],
  [
    'import of a Keras .h5',
    ['import', at('model.h5'), '--out', at('h5.safetensors')],
    INPUT,
    /HDF5 file .*tensorflowjs_converter --input_format keras/,
  ],
  [
    'import of an empty model.json',
    ['import', at('model.json'), '--out', at('j.safetensors')],
    INPUT,
    /model\.json: the topology holds no list of layers/,
  ],
  ['eval of random bytes', ['eval', '--model', at('random.safetensors')], INPUT, /not a valid \.safetensors/],
  ['eval of a truncated model', ['eval', '--model', at('truncated.safetensors')], INPUT, /not a valid \.safetensors/],
  ['eval of a checkpoint', ['eval', '--model', at('run/checkpoint.safetensors')], INPUT, /unexpected tensor/],
  ['eval of a mistyped architecture', ['eval', '--model', at('mistyped.safetensors')], INPUT, /field 'hiddenSize'/],
  ['info of a missing file', ['info', at('nope.safetensors')], INPUT, /no such file/],
  ['info of a directory', ['info', at('a-directory')], INPUT, /is a directory/],
  ['info of an unreadable path', ['info', '/proc/1/mem'], INPUT, /\/proc\/1\/mem/],
  ['info of an endless device', ['info', '/dev/zero'], INPUT, /not a regular file/],
  ['eval of an empty device', ['eval', '--model', '/dev/null'], INPUT, /not a regular file/],
  ['predict without --input', ['predict', '--model', at('run/model.safetensors')], USAGE, /--input/],
  ['predict from a missing input', ['predict', '--model', at('run/model.safetensors'), '--input', at('nope.json')], INPUT, /no such file/],
  [
    'predict from text that is not JSON',
    ['predict', '--model', at('run/model.safetensors'), '--input', at('not.json')],
    INPUT,
    /is not JSON/,
  ],
  ['predict with too many features', ['predict', '--model', at('run/model.safetensors'), '--input', at('wide.json')], INPUT, /features/],
  ['predict with nulls', ['predict', '--model', at('run/model.safetensors'), '--input', at('nulls.json')], INPUT, /numbers/],
  [
    'predict with an empty sequence',
    ['predict', '--model', at('run/model.safetensors'), '--input', at('empty-sequence.json')],
    INPUT,
    /empty|numbers/,
  ],
  ['predict with strings', ['predict', '--model', at('run/model.safetensors'), '--input', at('strings.json')], INPUT, /numbers/],
  ['generate from a classifier', ['generate', '--model', at('run/model.safetensors')], USAGE, /not a text model/],
  ['generate at temperature 0', ['generate', '--model', at('text/model.safetensors'), '--temperature', '0'], USAGE, /--temperature/],
  ['generate 0 characters', ['generate', '--model', at('text/model.safetensors'), '--length', '0'], USAGE, /--length/],
  [
    'generate with characters outside the vocabulary',
    ['generate', '--model', at('text/model.safetensors'), '--prime', 'XYZ'],
    INPUT,
    /X|vocabulary/,
  ],
  [
    'forecast from a classifier',
    ['forecast', '--model', at('run/model.safetensors'), '--data', at('nan.csv'), '--horizon', '3'],
    USAGE,
    /series/,
  ],
  ['forecast 0 steps', ['forecast', '--model', at('run/model.safetensors'), '--data', at('nan.csv'), '--horizon', '0'], USAGE, /--horizon/],
  ['backends with an unknown option', ['backends', '--bogus'], USAGE, /--bogus/],
];

describe.concurrent('every user mistake: one line, a documented exit code, no stack trace (issue 9)', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  for (const [name, args, code, message] of cases) {
    it(name, async () => {
      const result = await run(args);
      expect(result.killed, `${name} did not finish`).toBe(false);
      const lines = result.stderr.trim().split('\n').filter(Boolean);
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(result.code, result.stderr).toBe(code);
    });
  }
});

describe('a refused run leaves no --out folder behind (issue 20)', () => {
  const refused: [string, string[]][] = [
    ['an unknown backend', ['--backend', 'quantum']],
    ['--forget-bias on a GRU', ['--cell', 'gru', '--forget-bias', '2']],
    ['--dropout on one layer', ['--dropout', '0.3']],
    ['a run too large for the machine', ['--hidden', '60000']],
    ['--record of an unknown kind', ['--record', 'weights']],
    ['--step-size with a cosine schedule', ['--schedule', 'cosine', '--step-size', '2']],
  ];
  for (const [name, extra] of refused) {
    it(name, async () => {
      const out = at(`never-${name.replace(/\W+/g, '-')}`);
      const result = await run(['train', ...tiny, ...extra, '--out', out]);
      expect(result.code, result.stderr).toBe(USAGE);
      expect(existsSync(out), `${out} was created`).toBe(false);
    });
  }
});
