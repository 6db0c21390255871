import type { KernelName, KernelTable, TensorInfo } from './kernel-names.js';
import type { Tensor } from './tensor.js';

/**
 * Kernel signatures as core sees them, derived from `KernelTable` (the backend's view): the same
 * records with every `TensorInfo` replaced by a `Tensor`. `engine.run<K>`, the ops and the
 * reference compositions are typed with these, so nothing casts between a kernel and its caller.
 */

/** A backend-side value as core sees it: each TensorInfo becomes a Tensor. */
type AsTensor<V> = V extends TensorInfo ? Tensor : V extends readonly TensorInfo[] ? readonly Tensor[] : V;
type WithTensors<T> = { [P in keyof T]: AsTensor<T[P]> };

/** What `engine.run(K, …)` takes: the kernel's inputs from `KernelTable`, as Tensors. */
export type KernelInputs<K extends KernelName> = WithTensors<Parameters<KernelTable[K]>[0]>;
/** The kernel's attributes from `KernelTable` (`undefined` for kernels that take none). */
export type KernelAttrs<K extends KernelName> = KernelTable[K] extends (inputs: never, attrs: infer A) => unknown
  ? unknown extends A
    ? undefined
    : A
  : undefined;
/** What `engine.run(K, …)` returns: one Tensor, or the kernel's named outputs as Tensors. */
export type KernelResult<K extends KernelName> =
  ReturnType<KernelTable[K]> extends TensorInfo ? Tensor : WithTensors<ReturnType<KernelTable[K]>>;
/** `run`'s attrs argument: absent for kernels that take none. */
export type AttrsArgument<K extends KernelName> = KernelAttrs<K> extends undefined ? [] : [attrs: KernelAttrs<K>];

/** A reference composition: the kernel written with core ops, run when a backend lacks it. */
export type ReferenceKernel<K extends KernelName> = (inputs: KernelInputs<K>, attrs: KernelAttrs<K>) => KernelResult<K>;
