/// <reference lib="webworker" />
import { setBackend } from '@lstm/core';
import { currentBackend, onHost, registerChoice, starting, useBackend, type ConcreteChoice } from './backends.js';
import type { PlaygroundConfig } from './config.js';
import { inspect, sampleText, snapshot, textSaliency } from './inspect.js';
import { measureBackends } from './measure.js';
import type { FromWorker, Measurement, Request, RunState, WorkerEvent } from './protocol.js';
import { Session } from './session.js';

// The training worker: it owns the backend, the model and the run, and answers the page's
// requests between epochs. Training never runs on the page's thread.

declare const self: DedicatedWorkerGlobalScope;

let session: Session | null = null;
let state: RunState = 'idle';
/** Read through a function: messages handled between epochs change the state under the loop. */
const running = () => state === 'running';
/** The page's last progress post, so the curves get about ten points a second, not one per batch. */
let lastPost = 0;
/**
 * The epoch being trained. On WebGPU a step awaits the GPU, so the page's messages arrive
 * mid-epoch; those that touch the run wait for this first.
 */
let epochInFlight: Promise<unknown> = Promise.resolve();
/** What 'auto' measured, by the settings that decide it. */
const measured = new Map<string, Measurement[]>();

const emit = (event: WorkerEvent) => self.postMessage({ kind: 'event', ...event } satisfies FromWorker);
const setState = (next: RunState) => {
  state = next;
  emit({ type: 'state', state, epochsDone: session?.epochsDone ?? 0 });
};
/** Lets queued messages (pause, a new configuration) in between epochs. */
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

function need(): Session {
  if (!session) throw new Error('no model yet: configure one first');
  return session;
}

/**
 * The backend a choice means: itself, or for 'auto' the fastest measured here on this
 * configuration's model (measured once per cell, size and length; the active backend is kept).
 */
async function resolve(config: PlaygroundConfig, text?: string): Promise<{ choice: ConcreteChoice; measured: Measurement[] | null }> {
  if (config.backend !== 'auto') return { choice: config.backend, measured: null };
  const key = [config.task, config.cell, config.pin, config.hidden, config.layers, config.seqLen].join('/');
  let found = measured.get(key);
  if (!found) {
    const before = currentBackend();
    found = await measureBackends(config, Session.taskOf(config, text).task);
    if (before) await setBackend(before);
    measured.set(key, found);
  }
  return { choice: found.find((m) => m.msPerStep !== null)?.backend ?? 'cpu', measured: found };
}

/** Carries the run on to another backend (weights and Adam's moments move; all or nothing). */
async function switchBackend(backend: PlaygroundConfig['backend']): Promise<void> {
  if (!session) return;
  const { choice, measured } = await resolve({ ...session.config, backend });
  const name = await registerChoice(choice);
  if (currentBackend() !== name) await starting(choice, () => session!.trainer.to(name));
  session.config.backend = backend;
  emit({ type: 'backend', backend: choice, measured });
}

/** Makes a built run the current one (callers build first, so a failure leaves the old run). */
async function replace(next: Session, backend: string, measured: Measurement[] | null): Promise<void> {
  const first = await snapshot(next);
  session = next;
  setState('idle');
  emit({ type: 'ready', config: { ...next.config }, task: next.info(), snapshot: first, history: [...next.history], backend, measured });
}

function trainEpoch(): Promise<void> {
  const s = need();
  const work = (async () => {
    const summary = await s.epoch((point, p) => {
      const now = performance.now();
      if (now - lastPost < 100 && p.batch !== p.batches) return;
      lastPost = now;
      emit({ type: 'progress', point, epoch: p.epoch, batch: p.batch, batches: p.batches });
    });
    emit({ type: 'epoch', summary, snapshot: await snapshot(s) });
  })();
  epochInFlight = work.catch(() => undefined);
  return work;
}

async function run(): Promise<void> {
  if (running()) return;
  setState('running');
  try {
    while (running() && session && session.epochsDone < session.config.epochs) {
      await trainEpoch();
      await breathe();
    }
  } catch (error) {
    emit({ type: 'error', message: messageOf(error) });
    setState('paused');
    return;
  }
  if (running()) setState(session && session.epochsDone >= session.config.epochs ? 'done' : 'paused');
}

async function handle(request: Request): Promise<unknown> {
  if (request.type !== 'pause' && request.type !== 'live' && request.type !== 'run') await epochInFlight;
  switch (request.type) {
    case 'configure': {
      state = 'idle';
      const { choice, measured } = await resolve(request.config, request.text);
      await useBackend(choice);
      await replace(Session.create({ ...request.config }, request.text), choice, measured);
      return null;
    }
    case 'load': {
      const current = session?.config;
      if (!current) throw new Error('the page is still starting; try again in a moment');
      const next = Session.load(request.bytes, request.name, { ...current }, request.text);
      state = 'idle';
      await replace(next, currentBackend() ?? '', null);
      return { ...next.config };
    }
    case 'run':
      void run();
      return null;
    case 'pause':
      if (running()) setState('paused');
      return null;
    case 'step':
      if (running()) return null;
      await trainEpoch();
      setState(need().epochsDone >= need().config.epochs ? 'done' : 'paused');
      return null;
    case 'live':
      need().setLive(request.lr, request.clip, request.epochs);
      return null;
    case 'backend':
      await switchBackend(request.backend);
      return currentBackend();
    case 'inspect':
      return onHost(need().model, (model) => inspect(need(), request.index, model));
    case 'sample':
      return onHost(need().model, (model) => sampleText(need(), request.prime, request.length, request.temperature, request.seed, model));
    case 'saliency':
      return onHost(need().model, (model) => textSaliency(need(), request.text, request.position, model));
    case 'export':
      return need().exportModel();
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

self.onmessage = async (event: MessageEvent<Request & { id: number }>) => {
  const { id, ...request } = event.data;
  try {
    const result = await handle(request as Request);
    self.postMessage({ kind: 'reply', id, ok: true, result } satisfies FromWorker);
  } catch (error) {
    self.postMessage({ kind: 'reply', id, ok: false, error: messageOf(error) } satisfies FromWorker);
  }
};
