import { setBackend, tensor, tidy } from '@lstm/core';
import { SequenceClassifier } from '@lstm/layers';

/**
 * Test helper (not part of the package): a 2-layer classifier's forward output and every
 * parameter's gradient after one backward, on backend `name` — what one-thread and two-thread
 * runs must agree on bit for bit.
 */
export async function forwardAndGradients(name: string): Promise<Float32Array[]> {
  await setBackend(name);
  return tidy(() => {
    const model = new SequenceClassifier({ inputSize: 3, hiddenSize: 20, numLayers: 2, numClasses: 4, seed: 3 });
    const x = tensor(
      Array.from({ length: 6 * 9 * 3 }, (_, i) => Math.sin(i * 0.37)),
      [6, 9, 3],
    );
    const { output, cache } = model.forward(x, { training: true });
    model.backward(
      tensor(
        Array.from({ length: 24 }, (_, i) => Math.cos(i)),
        [6, 4],
      ),
      cache,
    );
    const values = [output.readSync(), ...model.parameters().map((p) => p.grad!.readSync())] as Float32Array[];
    for (const p of model.parameters()) p.value.dispose();
    return values;
  });
}
