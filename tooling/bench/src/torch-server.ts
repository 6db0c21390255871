import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Result, Workload } from './workload.js';

/**
 * PyTorch as a contestant: one Python process for the whole run (Debian's python3-torch, one
 * thread, on whatever BLAS it loads — OpenBLAS with libopenblas0-pthread), asked for one
 * measurement at a time. Undefined where /usr/bin/python3 has no torch.
 */
export class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  private constructor(python: string) {
    this.child = spawn(python, [new URL('./torch_bench.py', import.meta.url).pathname, '--serve']);
    this.child.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  static start(): TorchServer | undefined {
    const python = '/usr/bin/python3';
    const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }) : null;
    if (probe?.status !== 0) {
      console.error('  PyTorch skipped: /usr/bin/python3 with torch not found (apt-get install python3-torch to include it)');
      return undefined;
    }
    return new TorchServer(python);
  }

  async measure(workload: Workload, seconds: number): Promise<Result> {
    this.child.stdin.write(`${JSON.stringify({ workload, seconds })}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('PyTorch benchmark process ended early (see its error above)');
    return JSON.parse(line.value) as Result;
  }

  close(): void {
    this.child.stdin.end();
  }
}
