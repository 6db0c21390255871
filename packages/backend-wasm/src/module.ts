import { ValueError } from '@lstm/core';

// The WebAssembly JS API as this package uses it. Typed here because the project compiles
// against lib ES2022 and Node 20's types, neither of which declares the WebAssembly global.
export interface LinearMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface CompiledModule {
  readonly compiled: unique symbol;
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => LinearMemory;
  compile(bytes: Uint8Array): Promise<CompiledModule>;
  instantiate(module: CompiledModule, imports: object): Promise<{ exports: object }>;
  validate(bytes: Uint8Array): boolean;
}
/**
 * The engine's WebAssembly object, or undefined where there is none (read through a property
 * lookup: with the DOM library's own WebAssembly types in scope, a direct cast would not check).
 */
const WEB_ASSEMBLY: string = 'WebAssembly';
export const webAssembly: WebAssemblyApi | undefined = Reflect.get(globalThis, WEB_ASSEMBLY);

function api(): WebAssemblyApi {
  if (!webAssembly) throw new ValueError('wasm: this JavaScript engine has no WebAssembly; use @lstm/backend-cpu');
  return webAssembly;
}

/** The exports of the kernel module (assembly/index.ts); pointers are byte offsets, booleans 0/1. */
export interface KernelExports {
  heapBase(): number;
  packedSize(n: number, k: number): number;
  gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    bjs: number,
    bks: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  gemmPacked(
    M: number,
    N: number,
    K: number,
    a: number,
    ars: number,
    acs: number,
    packed: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void;
  packB(b: number, bjs: number, bks: number, N: number, K: number, dst: number): void;
  peakKernel(iterations: number): number;
  peakFlops(iterations: number): number;
  lstmForward(...args: number[]): void;
  lstmBackward(...args: number[]): void;
  gruForward(...args: number[]): void;
  gruBackward(...args: number[]): void;
  rnnForward(...args: number[]): void;
  rnnBackward(...args: number[]): void;
  adamUpdate(...args: number[]): void;
  weightGradients(...args: number[]): void;
  binary(
    op: number,
    rows: number,
    cols: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    out: number,
  ): void;
  unary(op: number, n: number, x: number, out: number): void;
  sumAxis(outer: number, length: number, inner: number, x: number, out: number): void;
}

export type Build = 'simd' | 'fma' | 'shared' | 'sharedFma';

/** The build a backend runs: shared memory for threads, relaxed SIMD for FMA. */
export function buildFor(threads: number, fma: boolean): Build {
  if (threads > 1) return fma ? 'sharedFma' : 'shared';
  return fma ? 'fma' : 'simd';
}

// Each build is its own module, imported on first use: a bundle carries all four, a page loads one.
const sources: Record<Build, () => Promise<{ wasmBase64: string }>> = {
  simd: () => import('./generated/simd.js'),
  fma: () => import('./generated/fma.js'),
  shared: () => import('./generated/shared.js'),
  sharedFma: () => import('./generated/sharedFma.js'),
};
const compiled = new Map<Build, Promise<CompiledModule>>();
const validated = new Map<Build, Promise<boolean>>();

async function bytesOf(build: Build): Promise<Uint8Array> {
  const text = atob((await sources[build]()).wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The compiled module of one build, compiled once per realm (asynchronously: browsers refuse large synchronous compiles). */
export function compileBuild(build: Build): Promise<CompiledModule> {
  const cached = compiled.get(build);
  if (cached) return cached;
  const module = bytesOf(build).then((bytes) => api().compile(bytes));
  compiled.set(build, module);
  return module;
}

/** Whether this engine validates the build (fixed-width SIMD everywhere current; relaxed SIMD from Node 22, behind a flag in Node 20). */
export function validates(build: Build): Promise<boolean> {
  let answer = validated.get(build);
  if (!answer) {
    answer = bytesOf(build).then((bytes) => webAssembly?.validate(bytes) ?? false);
    validated.set(build, answer); // asked by every backend created and by wasmAvailability(): decode once
  }
  return answer;
}

/** A linear memory of `initial` pages (64 KiB each) that may grow to 4 GiB. */
export function createMemory(initial: number, shared: boolean): LinearMemory {
  return new (api().Memory)({ initial, maximum: 65536, ...(shared ? { shared: true } : {}) });
}

export async function instantiate(build: Build, memory: LinearMemory): Promise<KernelExports> {
  const instance = await api().instantiate(await compileBuild(build), { env: { memory } });
  return instance.exports as KernelExports;
}

/** Whether this engine can share a wasm memory between threads (Node; browsers only when cross-origin isolated). */
export function canShareMemory(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer !== 'undefined' && scope.crossOriginIsolated !== false;
}
