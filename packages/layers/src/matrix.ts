/** Small layout helpers shared by the importers and exporters: row-major matrices and packed gate blocks. */

type Floats = Float32Array | Float64Array;

/** A [rows, columns] matrix (row-major) as [columns, rows], in an array of the same type. */
export function transposed<A extends Floats>(values: A, rows: number, columns: number): A {
  const out = new (values.constructor as { new (n: number): A })(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c] ?? 0;
  return out;
}

/** Of the `blocks` equal blocks of a packed array (one per gate), the ones `order` names (indices), in that order. */
export function reorderBlocks<A extends Floats>(values: A, order: readonly number[], blocks = order.length): A {
  const block = values.length / blocks;
  const out = new (values.constructor as { new (n: number): A })(order.length * block);
  for (const [i, k] of order.entries()) out.set(values.subarray(k * block, (k + 1) * block), i * block);
  return out;
}

/** The n × n identity (row-major): the head of an imported stack that has none, so its outputs are the features. */
export function identity(n: number): Float64Array {
  return Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));
}
