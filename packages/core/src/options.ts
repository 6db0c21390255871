import { ValueError } from './errors.js';

/** Throws on option names the caller misspelt: "unknown option 'hiden'; expected one of …". */
export function assertKnownOptions(what: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(`${what}: unknown option '${key}'; expected one of ${known.join(', ')}`);
    }
  }
}

export function assertPositiveInteger(what: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`${what}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function assertProbability(what: string, name: string, value: number): number {
  if (!(value >= 0 && value < 1)) throw new ValueError(`${what}: ${name} must be in [0, 1), got ${value}`);
  return value;
}
