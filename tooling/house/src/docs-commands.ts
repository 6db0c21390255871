/**
 * The shell commands a page shows, read as a user would copy them: every line of its ```sh
 * blocks, continuation lines joined, comments dropped, `a && b` split into two commands.
 */
export interface DocCommand {
  /** The page, relative to the repository. */
  file: string;
  /** The command as the page shows it (one of several joined by &&). */
  text: string;
  /** Its words, quotes removed. */
  words: string[];
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);

/** The commands of a Markdown page's shell blocks, in order. */
export function commandsOf(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fence: string | null = null;
  let block: string[] = [];
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence === null && marker) {
      fence = marker[1] ?? '```';
      block = SHELL_FENCES.has(marker[2] ?? '') ? [] : ['\0'];
      continue;
    }
    if (fence !== null && line.trim().startsWith(fence)) {
      if (block[0] !== '\0') commands.push(...blockCommands(file, block.join('\n')));
      fence = null;
      continue;
    }
    if (fence !== null) block.push(line);
  }
  return commands;
}

function blockCommands(file: string, block: string): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
    const words = shellWords(line);
    // `a && b`: two commands, each run and checked on its own.
    let current: string[] = [];
    const texts = line.replace(/\s+#.*$/, '').split('&&');
    let part = 0;
    for (const word of [...words, '&&']) {
      if (word !== '&&') {
        current.push(word);
        continue;
      }
      if (current.length) commands.push({ file, text: (texts[part] ?? '').trim(), words: current });
      current = [];
      part++;
    }
  }
  return commands;
}

/** Splits a command line into words as a POSIX shell would (quotes, backslashes); stops at a comment. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i] ?? '';
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + (line[++i] ?? '');
      continue;
    }
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    if (c === '#' && word === null) break;
    word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/**
 * A run-size option made small enough for a test, or the words unchanged: epochs, hidden units,
 * generated split sizes and characters of text — nothing else about a command changes.
 */
export function reduced(words: string[]): string[] {
  const args = words.slice();
  const set = (flag: string, value: (given: number | undefined) => number) => {
    const at = args.indexOf(flag);
    if (at >= 0) args[at + 1] = String(value(Number(args[at + 1])));
    else args.push(flag, String(value(undefined)));
  };
  // A sweep: fewer seeds, and its shared train options (after --) reduced as a train command's.
  if (args[0] === 'sweep' && args[1] !== 'report') {
    const dash = args.indexOf('--');
    const own = dash >= 0 ? args.slice(0, dash) : args;
    const seeds = own.indexOf('--seeds');
    if (seeds >= 0) own[seeds + 1] = String(Math.min(Number(own[seeds + 1]), 2));
    return dash >= 0 ? [...own, '--', ...reduced(['train', ...args.slice(dash + 1)]).slice(1)] : own;
  }
  if (args[0] !== 'train') return args;
  const task = args[args.indexOf('--task') + 1];
  set('--epochs', (n) => Math.min(n ?? 2, 2));
  if (args.includes('--hidden')) set('--hidden', (n) => Math.min(n ?? 16, 16));
  if (task === 'first-last' || task === 'adding' || task === 'copy') {
    set('--train-size', (n) => Math.min(n ?? 256, 256));
    set('--validation-size', (n) => Math.min(n ?? 64, 64));
    set('--test-size', (n) => Math.min(n ?? 64, 64));
  }
  if (task === 'text' && !args.includes('--data')) set('--max-chars', (n) => Math.min(n ?? 6000, 6000));
  return args;
}

/**
 * What a command says it writes, relative to where it runs: `--out FILE`, `--onnx FILE`, a
 * training run's model and metrics, a report's page.
 */
export function claimedOutputs(args: string[]): string[] {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const [command, sub] = args;
  if (command === 'train') {
    const out = value('--out') ?? `runs/${value('--task')}`;
    const written = [`${out}/model.safetensors`, `${out}/metrics.jsonl`, `${out}/checkpoint.safetensors`];
    if (args.includes('--record')) written.push(`${out}/recordings`);
    return written;
  }
  if (command === 'viz' && sub === 'report') return [value('--out') ?? `${value('--run')}/report.html`];
  if (command === 'sweep' && sub !== 'report') return [`${value('--out')}/trials.jsonl`, `${value('--out')}/sweep.json`];
  return [value('--out'), value('--onnx')].filter((path): path is string => path !== undefined);
}

/** A TypeScript example of a page: its code, and whether the page marks it as a fragment of a larger program. */
export interface DocExample {
  file: string;
  code: string;
  fragment: boolean;
}

/** The ```ts blocks of a Markdown page (```ts fragment marks one that is not a whole program). */
export function examplesOf(file: string, markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  let current: { fragment: boolean; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    const fence = /^```(\w*)\s*(.*)$/.exec(line.trim());
    if (current === null && fence && (fence[1] === 'ts' || fence[1] === 'typescript')) {
      current = { fragment: (fence[2] ?? '').split(/\s+/).includes('fragment'), lines: [] };
      continue;
    }
    if (current !== null && line.trim().startsWith('```')) {
      examples.push({ file, code: current.lines.join('\n'), fragment: current.fragment });
      current = null;
      continue;
    }
    current?.lines.push(line);
  }
  return examples;
}
