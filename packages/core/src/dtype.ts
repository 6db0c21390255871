/** Floating-point element types. float64 exists for gradient checks; models train in float32. */
export type DType = 'float32' | 'float64';

export type FloatArray = Float32Array | Float64Array;

export function arrayFor(dtype: DType, size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function dtypeOf(values: FloatArray): DType {
  return values instanceof Float64Array ? 'float64' : 'float32';
}

/** Bytes per element. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}
