import type { DType, FloatArray } from './dtype.js';
import type { Backend } from './backend.js';
import { type Shape, sizeOf, formatShape } from './shape.js';
import { LstmError } from './errors.js';

/** Storage shared by a tensor and its reshaped views; core counts references to it. */
export interface DataRef {
  backend: Backend;
  handle: unknown;
  refs: number;
  readonly bytes: number;
  /**
   * The values on the host, once `prefetch` has read them from a backend without synchronous
   * reads (tensors are immutable, so the copy stays exact); dropped with the storage.
   */
  host?: FloatArray;
}

/**
 * What a tensor asks of its owner (the engine, which constructs every tensor): to release its
 * storage reference and to move its data. An interface, so tensor.ts does not import the engine.
 */
export interface TensorOwner {
  releaseTensor(tensor: Tensor): void;
  moveTensor(tensor: Tensor, backendName: string): Promise<void>;
}

let nextId = 0;

/**
 * An immutable n-dimensional array living on a backend. Core owns its lifetime: call
 * `dispose()`, or create it inside `tidy()`. Ops never modify a tensor; they return new ones.
 */
export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  #disposed = false;
  readonly #owner: TensorOwner;

  /** @internal Use `tensor()` or an op to make tensors. */
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    /** @internal */ public data: DataRef,
    owner: TensorOwner,
  ) {
    this.#owner = owner;
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Resolves to a copy of the values (row-major), owned by the caller. */
  async read(): Promise<FloatArray> {
    this.assertLive('read');
    if (this.data.host) return this.data.host.slice();
    return this.data.backend.read(this.data.handle);
  }

  /**
   * Synchronous copy of the values, owned by the caller. Throws on backends without the
   * `readSync` capability unless `prefetch` read the tensor: use `await tensor.read()` there.
   */
  readSync(): FloatArray {
    this.assertLive('readSync');
    if (this.data.host) return this.data.host.slice();
    const backend = this.data.backend;
    if (!backend.readSync) {
      throw new LstmError(
        `backend '${backend.name}' cannot read synchronously; use 'await tensor.read()', or 'await prefetch(tensors)' before reading them synchronously`,
      );
    }
    return backend.readSync(this.data.handle);
  }

  /** Values as a plain number array (sync). */
  toArray(): number[] {
    return Array.from(this.readSync());
  }

  /** Moves the data to another registered backend (async, works from any backend). */
  async to(backendName: string): Promise<this> {
    this.assertLive('to');
    await this.#owner.moveTensor(this, backendName);
    return this;
  }

  /** Frees this tensor's reference to its storage. Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#owner.releaseTensor(this);
  }

  /** @internal */
  assertLive(what: string): void {
    if (this.#disposed)
      throw new LstmError(`${what}: tensor ${formatShape(this.shape)} was already disposed; keep() it or create it outside tidy()`);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype})`;
  }
}
