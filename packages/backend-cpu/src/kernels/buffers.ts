import type { FloatArray } from '@lstm/core';

/** Buffer helpers shared by the kernels: typed-array allocation and transposition. */

/** dst[cols, rows] = src[rows, cols]ᵀ (src row stride `lds`, from offset `sOff`). */
export function transposeInto(src: FloatArray, sOff: number, lds: number, rows: number, cols: number, dst: FloatArray): void {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const rEnd = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const cEnd = Math.min(c0 + tile, cols);
      for (let r = r0; r < rEnd; r++) {
        const s = sOff + r * lds;
        for (let c = c0; c < cEnd; c++) dst[c * rows + r] = src[s + c]!;
      }
    }
  }
}

/** A new zeroed array of the same kind as `like`. */
export function alloc(like: FloatArray, size: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
}
