// The module's exports: the SGEMM, the fused recurrent kernels, the element-wise loops the
// optimizers run, and the SIMD peak micro-kernel the benchmark compares the GEMM against.

export { gemm, gemmPacked, packB, packedSize, peakKernel, peakFlops } from './gemm';
export { lstmForward, lstmBackward } from './lstm';
export { gruForward, gruBackward } from './gru';
export { rnnForward, rnnBackward } from './rnn';
export { weightGradients } from './sequence';

/** First byte the TypeScript allocator may hand out (after this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}
export { adamUpdate } from './optim';
export { binary, unary, sumAxis } from './elementwise';
