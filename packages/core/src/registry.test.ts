import { afterEach, describe, expect, it } from 'vitest';
import { SPEC_VERSION, type Backend } from './backend.js';
import { engine } from './engine.js';
import { tensor } from './ops/create.js';
import { add } from './ops/elementwise.js';
import { getBackend, listBackends, memory, registerBackend, removeBackend, setBackend, setBackendSync, tidy } from './registry.js';
import { nullBackend } from './testing/null-backend.js';

afterEach(async () => {
  for (const name of listBackends()) await removeBackend(name);
});

describe('registry', () => {
  it('registers, lists, sets and gets backends', async () => {
    registerBackend(nullBackend('a'));
    registerBackend(nullBackend('b'));
    expect(listBackends()).toEqual(['a', 'b']);
    expect((await setBackend('b')).name).toBe('b');
    expect(getBackend().name).toBe('b');
    expect(setBackendSync('a').name).toBe('a');
  });

  it('picks the highest-priority backend when none was set', () => {
    registerBackend({ ...nullBackend('low'), priority: 1 });
    registerBackend({ ...nullBackend('high'), priority: 5 });
    expect(getBackend().name).toBe('high');
  });

  it('names the registered backends when asked for an unknown one', async () => {
    registerBackend(nullBackend('cpu-ish'));
    await expect(setBackend('webgl')).rejects.toThrow("unknown backend 'webgl'; registered backends: cpu-ish");
    expect(() => getBackendWithNone()).toThrow(/no backend is registered; install @lstm\/backend-cpu/);
  });

  it('refuses a backend built for another spec version, or missing required kernels', async () => {
    const stale = nullBackend('stale');
    registerBackend({
      ...stale,
      create: () => ({ ...(stale.create() as Backend), specVersion: (SPEC_VERSION + 1) as typeof SPEC_VERSION }),
    });
    await expect(setBackend('stale')).rejects.toThrow(/implements spec version 2, core expects 1/);
    const partial = nullBackend('partial');
    registerBackend({
      ...partial,
      create: () => {
        const b = partial.create() as Backend;
        return { ...b, kernels: { ...b.kernels, MatMul: undefined, Exp: undefined } };
      },
    });
    await expect(setBackend('partial')).rejects.toThrow("backend 'partial' is missing kernels with no reference fallback: Exp, MatMul");
  });

  it('asks for async creation where the factory is async', async () => {
    registerBackend({ name: 'later', priority: 0, create: async () => nullBackend('later').create() as Backend });
    expect(() => setBackendSync('later')).toThrow(`backend 'later' initialises asynchronously; use 'await setBackend("later")'`);
    expect((await setBackend('later')).name).toBe('later');
  });
});

describe('lifetimes on the null backend', () => {
  it('disposes every handle exactly once, including kernel outputs inside tidy', async () => {
    const factory = nullBackend('n');
    registerBackend(factory);
    await setBackend('n');
    const before = memory();
    const kept = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = add(a, a);
      add(b, a);
      return b;
    });
    expect(factory.stats.live.size).toBe(1);
    kept.dispose();
    kept.dispose(); // idempotent
    expect(factory.stats.live.size).toBe(0);
    expect(memory()).toEqual(before);
  });
});

describe('swapping backends at run time', () => {
  it('moves tensors on first use from a synchronous backend', async () => {
    const from = nullBackend('sync-source', { readSync: true });
    const to = nullBackend('target');
    registerBackend(from);
    registerBackend(to);
    await setBackend('sync-source');
    const x = tensor([1, 2]);
    await setBackend('target');
    const y = add(x, x);
    expect(x.data.backend.name).toBe('target');
    expect(from.stats.live.size).toBe(0);
    x.dispose();
    y.dispose();
  });

  it('asks for an explicit async move from a backend that cannot read synchronously', async () => {
    registerBackend(nullBackend('gpu-like'));
    registerBackend(nullBackend('cpu-like'));
    await setBackend('gpu-like');
    const x = tensor([1, 2]);
    await setBackend('cpu-like');
    expect(() => add(x, x)).toThrow(
      `lives on backend 'gpu-like', which cannot read synchronously; call 'await tensor.to("cpu-like")' first`,
    );
    await x.to('cpu-like');
    expect(add(x, x).data.backend.name).toBe('cpu-like');
    expect(() => x.readSync()).toThrow(/cannot read synchronously; use 'await tensor.read\(\)'/);
  });
});

function getBackendWithNone(): Backend {
  engine.active = null;
  for (const name of [...engine.factories.keys()]) engine.factories.delete(name);
  return getBackend();
}
