/// <reference lib="webworker" />
import { currentBackend, registerChoice, starting, useBackend } from './backends.js';
import type { PlaygroundConfig } from './config.js';
import { inspect, sampleText, snapshot, textSaliency } from './inspect.js';
import type { FromWorker, Request, RunState, WorkerEvent } from './protocol.js';
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

/** Carries the run on to another backend (weights and Adam's moments move; all or nothing). */
async function switchBackend(backend: PlaygroundConfig['backend']): Promise<void> {
  const name = await registerChoice(backend);
  if (!session) return useBackend(backend);
  if (currentBackend() !== name) await starting(backend, () => session!.trainer.to(name));
  session.config.backend = backend;
}

/** Makes a built run the current one (callers build first, so a failure leaves the old run). */
function replace(next: Session): void {
  session = next;
  setState('idle');
  emit({ type: 'ready', config: { ...next.config }, task: next.info(), snapshot: snapshot(next), history: [...next.history] });
}

async function trainEpoch(): Promise<void> {
  const s = need();
  const summary = await s.epoch((point, p) => {
    const now = performance.now();
    if (now - lastPost < 100 && p.batch !== p.batches) return;
    lastPost = now;
    emit({ type: 'progress', point, epoch: p.epoch, batch: p.batch, batches: p.batches });
  });
  emit({ type: 'epoch', summary, snapshot: snapshot(s) });
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
  switch (request.type) {
    case 'configure': {
      state = 'idle';
      await useBackend(request.config.backend);
      replace(Session.create({ ...request.config }, request.text));
      return null;
    }
    case 'load': {
      const current = session?.config;
      if (!current) throw new Error('the page is still starting; try again in a moment');
      const next = Session.load(request.bytes, request.name, { ...current }, request.text);
      state = 'idle';
      replace(next);
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
      return inspect(need(), request.index);
    case 'sample':
      return sampleText(need(), request.prime, request.length, request.temperature, request.seed);
    case 'saliency':
      return textSaliency(need(), request.text, request.position);
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
