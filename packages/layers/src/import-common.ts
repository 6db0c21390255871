// What every importer (state dict, ONNX, TF.js) shares: ignore patterns, output kinds, dtypes, lists in messages.

/** What a model's head predicts: class scores (logits) or values (regression). */
export type OutputKind = 'classes' | 'values';

/** A glob (`*` any run of characters, `?` one) as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Splits `names` into those an ignore pattern names and the rest; a pattern that names nothing is
 * refused (a typo would otherwise ignore nothing without a word).
 */
export function applyIgnore(
  names: string[],
  patterns: readonly string[],
  fail: (m: string) => never,
): { kept: string[]; ignored: string[] } {
  const regexps = patterns.map((p) => ({ p, re: globToRegExp(p) }));
  for (const { p, re } of regexps)
    if (!names.some((n) => re.test(n))) fail(`--ignore '${p}' names no tensor; the file holds ${list(names)}`);
  const ignored = names.filter((n) => regexps.some(({ re }) => re.test(n)));
  return { kept: names.filter((n) => !ignored.includes(n)), ignored };
}

/** The first few of a list of names, quoted, and how many more. */
export function list(names: readonly string[], shown = 4): string {
  const head = names.slice(0, shown).map((n) => `'${n}'`);
  return names.length > shown ? `${head.join(', ')} and ${names.length - shown} more` : head.join(', ') || 'nothing';
}

/** What a model's outputs are: given, or decided by the width (one output, or no head, is a value). */
export function outputKind(given: OutputKind | undefined, outputSize: number, hasHead: boolean, fail: (m: string) => never): OutputKind {
  if (given) return given;
  if (outputSize === 1 || !hasHead) return 'values';
  return fail(`its head has ${outputSize} outputs; say what they are with --output classes (class scores) or --output values (regression)`);
}

/**
 * The dtype of an imported model: float64 when the file holds F64 weights, else float32 (F16 and
 * BF16 are widened exactly). Asking for float32 of F64 weights that float32 cannot hold is refused.
 */
export function importDtype(
  entries: { dtype: string; data: ArrayLike<number> }[],
  wanted: 'float32' | 'float64' | undefined,
  fail: (m: string) => never,
): 'float32' | 'float64' {
  const wide = entries.filter((e) => e.dtype === 'F64' || e.dtype === 'DOUBLE');
  if (wanted === 'float32' && wide.some((e) => Array.prototype.some.call(e.data, (v: number) => Math.fround(v) !== v)))
    fail(
      'its float64 weights are not all float32 values; import it as float64 (the default for an F64 file), or save it as float32 in Python',
    );
  return wanted ?? (wide.length ? 'float64' : 'float32');
}
