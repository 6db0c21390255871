import type { FromWorker, Request, WorkerEvent } from './protocol.js';

type Listener = (event: WorkerEvent) => void;

/** The page's side of the training worker: requests as promises, events to one listener. */
export class PlaygroundClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly worker: Worker,
    private readonly listener: Listener,
  ) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.kind === 'event') {
        this.listener(message);
        return;
      }
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiting) return;
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(message.error));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.listener({ type: 'error', message: `the training worker stopped: ${event.message || 'it failed to load'}` });
    };
  }

  /** Sends a request; resolves with the worker's answer or rejects with its one-line error. */
  request<T = unknown>(request: Request, transfer: Transferable[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error('the playground was closed'));
    this.pending.clear();
  }
}
