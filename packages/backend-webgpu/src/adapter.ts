/// <reference types="@webgpu/types" />

/** What `findAdapter` found: the adapter and how to describe it, or the reason there is none. */
export type AdapterSearch =
  | { ok: true; gpu: GPU; adapter: GPUAdapter; description: string; software: boolean }
  | { ok: false; reason: string };

/** SwiftShader's Vulkan driver as Debian's Chromium ships it: a CPU-emulated GPU, for correctness where a machine has none. */
const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

/**
 * Every Dawn instance this module made, kept reachable: dawn.node aborts the process when the
 * garbage collector finalizes one (seen with webgpu 0.6.2). There are at most two per process.
 */
const keptAlive: unknown[] = [];

interface NodeWebGpu {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

/**
 * The GPU entry point: `navigator.gpu` in a browser (and in a runtime that has one), else Dawn's
 * Node bindings from the `webgpu` package. In Node, where no Vulkan driver answers and
 * `VK_ICD_FILENAMES` is unset, Chromium's SwiftShader driver is tried — a software adapter, said so.
 */
export async function findAdapter(powerPreference: GPUPowerPreference = 'high-performance'): Promise<AdapterSearch> {
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (navigatorGpu) {
    const adapter = await navigatorGpu.requestAdapter({ powerPreference });
    if (!adapter) return { ok: false, reason: 'navigator.gpu offered no adapter (WebGPU blocked or no usable GPU in this browser)' };
    return { ok: true, gpu: navigatorGpu, adapter, ...describe(adapter) };
  }
  const process = (globalThis as { process?: { versions?: { node?: string }; env: Record<string, string | undefined> } }).process;
  if (!process?.versions?.node) {
    return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu): Chrome or Edge ≥ 113, Safari ≥ 26, Firefox ≥ 141' };
  }
  nodeGpu ??= dawnGpu(process.env);
  const node = await nodeGpu;
  if (!node.ok) return node;
  const adapter = await node.gpu.requestAdapter({ powerPreference });
  if (!adapter) {
    return {
      ok: false,
      reason:
        'Dawn found no Vulkan adapter: install a GPU driver with Vulkan (and libvulkan1), or Chromium for its SwiftShader driver (apt-get install -y libvulkan1 chromium)',
    };
  }
  return { ok: true, gpu: node.gpu, adapter, ...describe(adapter) };
}

let nodeGpu: Promise<{ ok: true; gpu: GPU } | { ok: false; reason: string }> | undefined;

/** One Dawn instance per process, on the first Vulkan driver that offers an adapter. */
async function dawnGpu(env: Record<string, string | undefined>): Promise<{ ok: true; gpu: GPU } | { ok: false; reason: string }> {
  let dawn: NodeWebGpu;
  try {
    const specifier = 'webgpu'; // kept out of bundlers' static analysis: browsers never load it
    dawn = (await import(/* @vite-ignore */ specifier)) as NodeWebGpu;
  } catch {
    return { ok: false, reason: "WebGPU in Node needs Dawn's bindings: npm install webgpu" };
  }
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, GPUShaderStage…
  // Where no Vulkan driver is installed, or no GPU device node exists for one to drive, go straight
  // to SwiftShader: asking the loader first only prints its warnings ("found no drivers"; Mesa's
  // drivers, which libvulkan1 recommends, complain about XDG_RUNTIME_DIR on a headless machine).
  const chosen = env.VK_ICD_FILENAMES !== undefined || env.VK_DRIVER_FILES !== undefined;
  const swiftShader = chosen ? null : await firstExisting(SWIFTSHADER_ICDS);
  if (swiftShader && !((await anyInstalledDriver(env)) && (await anyGpuDevice()))) useSwiftShader(env, swiftShader);
  let gpu = dawn.create([]);
  keptAlive.push(gpu);
  if (!(await gpu.requestAdapter()) && swiftShader && env.VK_ICD_FILENAMES === undefined) {
    useSwiftShader(env, swiftShader); // read by the Vulkan loader when the next instance starts
    gpu = dawn.create([]);
    keptAlive.push(gpu);
  }
  return { ok: true, gpu };
}

function describe(adapter: GPUAdapter): { description: string; software: boolean } {
  const info = adapter.info;
  const software = info.architecture === 'swiftshader' || /swiftshader|llvmpipe|lavapipe|warp/i.test(info.description ?? '');
  const name = [info.vendor, info.architecture, info.description].filter((part) => part).join(' ');
  return { description: `${name || 'unnamed adapter'}${software ? ' (software emulation)' : ''}`, software };
}

/** Whether the Vulkan loader's standard folders hold any driver manifest (Linux layout). */
async function anyInstalledDriver(env: Record<string, string | undefined>): Promise<boolean> {
  const { readdir } = await nodeFs();
  const dataDirs = (env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':');
  const configDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':');
  const folders = [...configDirs, '/etc', ...(env.HOME ? [`${env.HOME}/.local/share`] : []), ...dataDirs].map((d) => `${d}/vulkan/icd.d`);
  for (const folder of folders) {
    const entries = await readdir(folder).catch(() => [] as string[]);
    if (entries.some((name) => name.endsWith('.json'))) return true;
  }
  return false;
}

/**
 * Points the Vulkan loader at SwiftShader alone, and turns off Mesa's device-select layer (which
 * libvulkan1's recommended Mesa drivers install): with one driver it has nothing to choose, and on
 * a headless machine it prints an XDG_RUNTIME_DIR error for every instance.
 */
function useSwiftShader(env: Record<string, string | undefined>, icd: string): void {
  env.VK_ICD_FILENAMES = icd;
  env.NODEVICE_SELECT ??= '1';
}

/** Whether this machine has a GPU's device node: a DRM render node, NVIDIA's, or WSL's. */
async function anyGpuDevice(): Promise<boolean> {
  const { readdir } = await nodeFs();
  const dri = await readdir('/dev/dri').catch(() => [] as string[]);
  return dri.some((name) => name.startsWith('renderD')) || (await firstExisting(['/dev/nvidia0', '/dev/dxg'])) !== null;
}

async function firstExisting(paths: readonly string[]): Promise<string | null> {
  const { access } = await nodeFs();
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {}
  }
  return null;
}

/** node:fs/promises, kept out of bundlers' static analysis: Node only, like the bindings. */
function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const specifier = 'node:fs/promises';
  return import(/* @vite-ignore */ specifier);
}
