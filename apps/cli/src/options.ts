import { InvalidArgumentError } from '@commander-js/extra-typings';

/** Commander argument parsers: a bad value is a one-line error naming the option. */
export const integer =
  (min = 1, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}` : `expected an integer from ${min} to ${max}`,
      );
    }
    return n;
  };

export const number =
  (check: (n: number) => boolean = () => true, expected = 'a number') =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`expected ${expected}`);
    return n;
  };

export const positive = number((n) => n > 0, 'a positive number');
export const probability = number((n) => n >= 0 && n < 1, 'a number in [0, 1)');

export const choice =
  <T extends string>(choices: readonly T[]) =>
  (value: string): T => {
    if (!choices.includes(value as T)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };

export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
