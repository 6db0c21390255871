import { reactive, shallowRef } from 'vue';
import { PlaygroundClient } from './client.js';
import { ConfigError, DEFAULTS, configFromQuery, queryOf, validateConfig, type PlaygroundConfig } from './config.js';
import type {
  CurvePoint,
  EpochSummary,
  Inspection,
  Measurement,
  RunState,
  SaliencyResult,
  Snapshot,
  TaskInfo,
  WorkerEvent,
} from './protocol.js';

/** Settings that rebuild the model (and restart the run) when they change. */
const STRUCTURAL: (keyof PlaygroundConfig)[] = [
  'task',
  'seqLen',
  'cell',
  'pin',
  'hidden',
  'layers',
  'forgetBias',
  'seed',
  'trainSize',
  'text',
];
/** The most curve points kept (older ones are thinned), so a long run never slows the page down. */
const MAX_POINTS = 2000;

/**
 * The playground's state on the page and every action of its controls. The worker does the
 * work; this keeps what the page shows, the configuration (mirrored in the URL) and the one-line
 * message of the last mistake. A failed action leaves the run as it was.
 */
export function usePlayground() {
  const state = reactive({
    config: { ...DEFAULTS } as PlaygroundConfig,
    /** The configuration the current model was built with (the form may be ahead of it). */
    applied: null as PlaygroundConfig | null,
    task: null as TaskInfo | null,
    run: 'idle' as RunState,
    epochsDone: 0,
    /** Epochs a run trains when started from scratch: what "Train N more epochs" adds after it ends. */
    runLength: DEFAULTS.epochs,
    busy: false,
    error: '',
    notice: '',
    progress: { epoch: 0, batch: 0, batches: 0 },
    customText: '',
    sample: '',
    saliency: null as SaliencyResult | null,
    inspection: null as Inspection | null,
    /** The backend the run is on ('auto' resolved) and, when 'auto' chose it, the steps it timed here. */
    backend: '',
    measured: null as Measurement[] | null,
  });
  // Large arrays are replaced, not deeply watched.
  const points = shallowRef<CurvePoint[]>([]);
  const epochs = shallowRef<EpochSummary[]>([]);
  const snapshot = shallowRef<Snapshot | null>(null);
  const initial = shallowRef<Snapshot | null>(null);
  let client: PlaygroundClient | null = null;

  const fail = (error: unknown) => {
    state.error = error instanceof Error ? error.message : String(error);
  };

  function onEvent(event: WorkerEvent): void {
    switch (event.type) {
      case 'ready':
        state.applied = { ...event.config };
        state.config = { ...event.config };
        state.task = event.task;
        state.backend = event.backend;
        state.measured = event.measured;
        state.epochsDone = event.history.length;
        state.runLength = event.config.epochs;
        points.value = [];
        epochs.value = [...event.history];
        snapshot.value = event.snapshot;
        initial.value = event.snapshot;
        state.inspection = null;
        state.saliency = null;
        state.sample = '';
        syncUrl();
        return;
      case 'progress': {
        state.progress = { epoch: event.epoch, batch: event.batch, batches: event.batches };
        const next = [...points.value, event.point];
        points.value = next.length > MAX_POINTS ? next.filter((_, i) => i % 2 === 0 || i === next.length - 1) : next;
        return;
      }
      case 'epoch':
        epochs.value = [...epochs.value, event.summary];
        snapshot.value = event.snapshot;
        state.epochsDone = event.summary.epoch;
        return;
      case 'backend':
        state.backend = event.backend;
        state.measured = event.measured;
        return;
      case 'state':
        state.run = event.state;
        state.epochsDone = event.epochsDone;
        return;
      case 'error':
        state.error = event.message;
        return;
    }
  }

  function syncUrl(): void {
    if (typeof window === 'undefined' || !state.applied) return;
    const url = new URL(window.location.href);
    url.search = queryOf(state.applied);
    window.history.replaceState(window.history.state, '', url);
  }

  /** Runs one worker request with the busy flag up and its error shown in the page. */
  async function act<T>(work: () => Promise<T>): Promise<T | undefined> {
    state.error = '';
    state.busy = true;
    try {
      return await work();
    } catch (error) {
      fail(error);
      return undefined;
    } finally {
      state.busy = false;
    }
  }

  /** Builds a fresh model from the form's configuration (the old run stays if this fails). */
  async function reset(): Promise<void> {
    await act(async () => {
      validateConfig(state.config);
      await client!.request({
        type: 'configure',
        config: { ...state.config },
        text: state.config.task === 'text' ? state.customText : undefined,
      });
    });
  }

  /** A control changed: rebuild, act live (lr, clip, epochs) or move to another backend. */
  async function changed(key: keyof PlaygroundConfig): Promise<void> {
    const applied = state.applied;
    if (!applied) return;
    if (STRUCTURAL.includes(key)) return reset();
    if (key === 'backend') {
      const ok = await act(() => client!.request({ type: 'backend', backend: state.config.backend }));
      if (ok === undefined) state.config.backend = applied.backend;
      else applied.backend = state.config.backend;
    } else {
      const { lr, clip, epochs: budget } = state.config;
      const ok = await act(async () => {
        validateConfig(state.config);
        return client!.request({ type: 'live', lr, clip, epochs: budget }).then(() => true);
      });
      if (ok) Object.assign(applied, { lr, clip, epochs: budget });
      else Object.assign(state.config, { lr: applied.lr, clip: applied.clip, epochs: applied.epochs });
    }
    syncUrl();
  }

  async function start(worker: Worker): Promise<void> {
    client = new PlaygroundClient(worker, onEvent);
    try {
      state.config = configFromQuery(window.location.search);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      state.error = `This link's settings were not used: ${error.message}. The defaults are shown instead.`;
    }
    if (state.config.task === 'text' && state.config.text === 'custom') {
      state.config.text = 'builtin';
      state.notice =
        'The shared link trained on pasted text, which links do not carry: the built-in text is used — paste yours and press Reset.';
    }
    const message = state.error;
    await reset();
    if (message && !state.error) state.error = message;
  }

  const toggle = () => act(() => client!.request({ type: state.run === 'running' ? 'pause' : 'run' }));
  /** After a run has ended: as many epochs again, continuing from the last one (weights, optimizer and curves kept). */
  const more = () =>
    act(async () => {
      const { lr, clip } = state.config;
      const epochs = state.epochsDone + state.runLength;
      await client!.request({ type: 'live', lr, clip, epochs });
      state.config.epochs = epochs;
      if (state.applied) state.applied.epochs = epochs;
      syncUrl();
      await client!.request({ type: 'run' });
    });
  const step = () => act(() => client!.request({ type: 'step' }));
  const inspect = (index: number) =>
    act(async () => {
      state.inspection = await client!.request<Inspection>({ type: 'inspect', index });
    });
  const sample = (prime: string, length: number, temperature: number) =>
    act(async () => {
      state.sample = await client!.request<string>({ type: 'sample', prime, length, temperature, seed: state.config.seed });
      state.saliency = null;
    });
  const explain = (text: string, position: number) =>
    act(async () => {
      state.saliency = await client!.request<SaliencyResult>({ type: 'saliency', text, position });
    });
  const download = () => act(() => client!.request<Uint8Array>({ type: 'export' }));
  const load = (bytes: Uint8Array, name: string) =>
    act(async () => {
      await client!.request({ type: 'load', bytes, name, text: state.customText }, [bytes.buffer]);
      state.notice = `Loaded ${name}.`;
    });

  return {
    state,
    points,
    epochs,
    snapshot,
    initial,
    start,
    reset,
    changed,
    toggle,
    more,
    step,
    inspect,
    sample,
    explain,
    download,
    load,
    fail,
  };
}

export type Playground = ReturnType<typeof usePlayground>;
