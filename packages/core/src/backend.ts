import type { DType, FloatArray } from './dtype.js';
import type { KernelTable } from './kernel-names.js';

/** Version of this contract. A backend built against another version is refused at registration. */
export const SPEC_VERSION = 1;

export interface BackendCapabilities {
  /**
   * Synchronous reads are cheap: no pipeline stall (CPU and wasm: yes; a GPU: no). Library code
   * reads synchronously on its own initiative only where this is true. A backend may still
   * offer the `readSync` method when it is false (WebGL can, at the cost of a stall).
   */
  readonly readSync: boolean;
  /** Element types the backend stores. Every backend supports float32. */
  readonly dtypes: readonly DType[];
  /** Bits of precision float32 arithmetic actually carries (16 on some GPUs); tolerances derive from it. */
  readonly floatPrecision: 32 | 16;
}

/**
 * A backend is storage plus a kernel table. Handles are opaque to core; the backend owns the
 * memory behind them until `disposeData` is called.
 */
export interface Backend {
  readonly specVersion: typeof SPEC_VERSION;
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /**
   * Store values and return a new handle. The backend copies `values` unless `transfer` is
   * true, in which case it takes ownership and the caller must not touch the array again.
   */
  write(values: FloatArray, dtype: DType, options?: { transfer?: boolean }): unknown;
  /** Resolves to a copy of the data, owned by the caller. */
  read(handle: unknown): Promise<FloatArray>;
  /** Synchronous read, where the backend can at all (see capability `readSync`); returns a copy owned by the caller. */
  readSync?(handle: unknown): FloatArray;
  /** Frees the memory behind a handle. Core calls this exactly once per handle. */
  disposeData(handle: unknown): void;
  /** Kernels by id. Missing recurrent kernels fall back to core's reference compositions. */
  readonly kernels: Partial<KernelTable>;
  /** Releases backend-wide resources (worker threads, GPU contexts). */
  destroy?(): void | Promise<void>;
}

/** What a backend package exports: `registerBackend(cpu())`. */
export interface BackendFactory {
  readonly name: string;
  /** Higher wins when no backend was chosen explicitly. */
  readonly priority: number;
  create(): Backend | Promise<Backend>;
}
