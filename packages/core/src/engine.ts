import { SPEC_VERSION, type Backend, type BackendFactory } from './backend.js';
import type { DType, FloatArray } from './dtype.js';
import { bytesPerElement } from './dtype.js';
import { REQUIRED_KERNELS, type KernelName, type TensorInfo } from './kernel-names.js';
import { type Shape, sizeOf } from './shape.js';
import type { AttrsArgument, KernelInputs, KernelResult, ReferenceKernel } from './kernel-types.js';
import { Tensor, type DataRef, type TensorOwner } from './tensor.js';
import { BackendError, LstmError } from './errors.js';

/** The kernel table seen without its types, inside `run` only (the typed signature is `run`'s). */
type UntypedKernel = (
  inputs: Record<string, TensorInfo | TensorInfo[]>,
  attrs: unknown,
) => TensorInfo | Record<string, TensorInfo | undefined>;
type UntypedReference = (inputs: unknown, attrs: unknown) => unknown;

export interface EngineOptions {
  /** Check inputs of layers and losses for NaN / ±Infinity (costs a read; on by default). */
  checkFinite: boolean;
  /** Log every backend switch and tensor move to console.debug. */
  debug: boolean;
}

/** Live tensor and storage counts, for leak checks. */
export interface MemoryInfo {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
}

class Engine implements TensorOwner {
  readonly factories = new Map<string, BackendFactory>();
  readonly instances = new Map<string, Backend>();
  private readonly references: { [K in KernelName]?: ReferenceKernel<K> } = {};
  active: Backend | null = null;
  options: EngineOptions = { checkFinite: true, debug: false };
  private scopes: Set<Tensor>[] = [];
  private liveTensors = 0;
  private liveData = 0;
  private liveBytes = 0;

  // ─── backends ───────────────────────────────────────────────────────────────────────────
  register(factory: BackendFactory): void {
    if (!factory || typeof factory.name !== 'string' || typeof factory.create !== 'function') {
      throw new BackendError('registerBackend: expected a backend factory such as cpu() from @lstm/backend-cpu');
    }
    this.factories.set(factory.name, factory);
  }

  async setBackend(name: string): Promise<Backend> {
    const backend = this.instances.get(name) ?? this.adopt(name, await this.factoryFor(name).create());
    this.activate(backend);
    return backend;
  }

  setBackendSync(name: string): Backend {
    let backend = this.instances.get(name);
    if (!backend) {
      const created = this.factoryFor(name).create();
      if (created instanceof Promise)
        throw new BackendError(`backend '${name}' initialises asynchronously; use 'await setBackend("${name}")'`);
      backend = this.adopt(name, created);
    }
    this.activate(backend);
    return backend;
  }

  backend(): Backend {
    if (this.active) return this.active;
    const best = [...this.factories.values()].sort((a, b) => b.priority - a.priority)[0];
    if (!best)
      throw new BackendError(
        'no backend is registered; install @lstm/backend-cpu and call registerBackend(cpu()) (or import "@lstm/backend-cpu/register")',
      );
    return this.setBackendSync(best.name);
  }

  async backendByName(name: string): Promise<Backend> {
    return this.instances.get(name) ?? this.adopt(name, await this.factoryFor(name).create());
  }

  private factoryFor(name: string): BackendFactory {
    const factory = this.factories.get(name);
    if (!factory) {
      const known = [...this.factories.keys()];
      throw new BackendError(
        `unknown backend '${name}'; registered backends: ${known.length ? known.join(', ') : '(none — call registerBackend(cpu()) first)'}`,
      );
    }
    return factory;
  }

  private adopt(name: string, backend: Backend): Backend {
    if (backend.specVersion !== SPEC_VERSION) {
      throw new BackendError(
        `backend '${name}' implements spec version ${String(backend.specVersion)}, core expects ${SPEC_VERSION}; install matching versions of @lstm/core and the backend`,
      );
    }
    const missing = REQUIRED_KERNELS.filter((kernel) => !backend.kernels[kernel] && !this.references[kernel]);
    if (missing.length > 0)
      throw new BackendError(`backend '${name}' is missing kernels with no reference fallback: ${missing.join(', ')}`);
    this.instances.set(name, backend);
    return backend;
  }

  private activate(backend: Backend): void {
    if (this.options.debug && this.active !== backend) console.debug(`[@lstm] backend: ${this.active?.name ?? '(none)'} → ${backend.name}`);
    this.active = backend;
  }

  async removeBackend(name: string): Promise<void> {
    const instance = this.instances.get(name);
    if (instance === this.active) this.active = null;
    this.instances.delete(name);
    this.factories.delete(name);
    await instance?.destroy?.();
  }

  // ─── tensors and lifetimes ──────────────────────────────────────────────────────────────
  makeTensor(values: FloatArray, shape: Shape, dtype: DType, transfer = false): Tensor {
    const backend = this.backend();
    this.assertDtype(backend, dtype);
    const handle = backend.write(values, dtype, { transfer });
    return this.track(new Tensor(shape, dtype, this.newData(backend, handle, sizeOf(shape) * bytesPerElement(dtype)), this));
  }

  /** A tensor sharing `source`'s storage (reshape). */
  makeView(source: Tensor, shape: Shape): Tensor {
    source.assertLive('reshape');
    source.data.refs++;
    return this.track(new Tensor(shape, source.dtype, source.data, this));
  }

  private newData(backend: Backend, handle: unknown, bytes: number): DataRef {
    this.liveData++;
    this.liveBytes += bytes;
    return { backend, handle, refs: 1, bytes };
  }

  private track(tensor: Tensor): Tensor {
    this.liveTensors++;
    this.scopes.at(-1)?.add(tensor);
    return tensor;
  }

  releaseTensor(tensor: Tensor): void {
    this.liveTensors--;
    for (const scope of this.scopes) scope.delete(tensor);
    this.releaseData(tensor.data);
  }

  private releaseData(data: DataRef): void {
    if (--data.refs > 0) return;
    this.liveData--;
    this.liveBytes -= data.bytes;
    data.host = undefined;
    data.backend.disposeData(data.handle);
  }

  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.scopes.pop();
    }
    if (result instanceof Promise) throw new LstmError('tidy: the function returned a Promise; tidy only tracks synchronous work');
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    for (const tensor of scope) {
      if (kept.has(tensor)) this.scopes.at(-1)?.add(tensor);
      else tensor.dispose();
    }
    return result;
  }

  keep<T extends Tensor>(tensor: T): T {
    for (const scope of this.scopes) scope.delete(tensor);
    return tensor;
  }

  memory(): MemoryInfo {
    return { numTensors: this.liveTensors, numDataBuffers: this.liveData, numBytes: this.liveBytes };
  }

  // ─── moving between backends ────────────────────────────────────────────────────────────
  async moveTensor(tensor: Tensor, name: string): Promise<void> {
    const target = await this.backendByName(name);
    if (tensor.data.backend === target) return;
    const values = await tensor.read();
    this.rehome(tensor, target, values);
  }

  /** Inputs living on another backend move on first use when that backend reads synchronously. */
  private ensureOnActive(tensor: Tensor, backend: Backend): void {
    tensor.assertLive('use');
    if (tensor.data.backend === backend) return;
    const source = tensor.data.backend;
    if (tensor.data.host) {
      this.rehome(tensor, backend, tensor.data.host.slice());
      return;
    }
    if (!source.readSync) {
      throw new BackendError(
        `tensor ${tensor.toString()} lives on backend '${source.name}', which cannot read synchronously; call 'await tensor.to("${backend.name}")' first`,
      );
    }
    this.rehome(tensor, backend, source.readSync(tensor.data.handle));
  }

  private rehome(tensor: Tensor, target: Backend, values: FloatArray): void {
    this.assertDtype(target, tensor.dtype);
    if (this.options.debug) console.debug(`[@lstm] move ${tensor.toString()} ${tensor.data.backend.name} → ${target.name}`);
    const old = tensor.data;
    tensor.data = this.newData(target, target.write(values, tensor.dtype, { transfer: true }), old.bytes);
    this.releaseData(old);
  }

  private assertDtype(backend: Backend, dtype: DType): void {
    if (!backend.capabilities.dtypes.includes(dtype)) {
      throw new BackendError(
        `backend '${backend.name}' stores ${backend.capabilities.dtypes.join(' and ')} only, not ${dtype}; use ${backend.capabilities.dtypes.join(' or ')}, or a backend that stores ${dtype} (@lstm/backend-cpu stores float32 and float64)`,
      );
    }
  }

  // ─── kernels ────────────────────────────────────────────────────────────────────────────
  /** Installs core's reference composition for kernel `name` (used when a backend lacks it). */
  setReference<K extends KernelName>(name: K, kernel: ReferenceKernel<K>): void {
    (this.references as Record<K, ReferenceKernel<K>>)[name] = kernel;
  }

  /**
   * Runs kernel `name` on the active backend (or its reference composition) and wraps the
   * outputs: a Tensor for single-output kernels, the named outputs as Tensors otherwise.
   * Inputs, attributes and outputs are typed from `KernelTable[name]`.
   */
  run<K extends KernelName>(name: K, inputs: KernelInputs<K>, ...[attrs]: AttrsArgument<K>): KernelResult<K> {
    const backend = this.backend();
    const kernel = backend.kernels[name] as UntypedKernel | undefined;
    if (!kernel) {
      const reference = this.references[name] as UntypedReference | undefined;
      if (!reference) throw new BackendError(`backend '${backend.name}' has no kernel '${name}' and core has no reference for it`);
      return reference(inputs, attrs) as KernelResult<K>;
    }
    const infos: Record<string, TensorInfo | TensorInfo[]> = {};
    for (const [key, value] of Object.entries(inputs as Record<string, Tensor | readonly Tensor[] | undefined>)) {
      if (value === undefined) continue;
      infos[key] = value instanceof Tensor ? this.info(value, backend) : value.map((tensor) => this.info(tensor, backend));
    }
    const output = kernel(infos, attrs ?? {});
    if (isTensorInfo(output)) return this.wrap(output, backend) as KernelResult<K>;
    const result: Record<string, Tensor | undefined> = {};
    for (const [key, info] of Object.entries(output)) result[key] = info ? this.wrap(info, backend) : undefined;
    return result as KernelResult<K>;
  }

  private info(tensor: Tensor, backend: Backend): TensorInfo {
    this.ensureOnActive(tensor, backend);
    return { handle: tensor.data.handle, shape: tensor.shape, dtype: tensor.dtype };
  }

  private wrap(info: TensorInfo, backend: Backend): Tensor {
    return this.track(
      new Tensor(info.shape, info.dtype, this.newData(backend, info.handle, sizeOf(info.shape) * bytesPerElement(info.dtype)), this),
    );
  }
}

function isTensorInfo(value: unknown): value is TensorInfo {
  return typeof value === 'object' && value !== null && 'handle' in value && 'shape' in value;
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, into, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const item of value.values()) collectTensors(item, into, depth + 1);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  for (const item of Object.values(value)) collectTensors(item, into, depth + 1);
}

// One engine per process, even if two copies of @lstm/core get bundled.
const ENGINE_KEY = Symbol.for('@lstm/core/engine@1');
const globalScope = globalThis as unknown as Record<symbol, Engine | undefined>;
globalScope[ENGINE_KEY] ??= new Engine();
export const engine: Engine = globalScope[ENGINE_KEY];
