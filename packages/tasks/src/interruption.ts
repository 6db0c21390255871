/**
 * Lets a long synchronous loop be stopped by an `AbortSignal`: `heard()` hands the event loop a
 * turn if 50 ms have passed since the last one (so a signal handler or a page's message can run),
 * then says whether the signal was aborted. Without a signal it never waits.
 */
export class Interruption {
  private last = 0;

  constructor(private readonly signal: AbortSignal | undefined) {}

  async heard(): Promise<boolean> {
    if (!this.signal) return false;
    if (performance.now() - this.last >= 50) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.last = performance.now();
    }
    return this.signal.aborted;
  }
}
