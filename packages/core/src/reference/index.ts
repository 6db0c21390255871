import { engine } from '../engine.js';
import { gruBackwardReference, gruForwardReference } from './gru.js';
import { lstmBackwardReference, lstmForwardReference } from './lstm.js';
import { rnnBackwardReference, rnnForwardReference } from './rnn.js';

/** Reference compositions by kernel id: what core runs when a backend lacks a fused kernel. */
export const referenceKernels = {
  LstmForward: lstmForwardReference,
  LstmBackward: lstmBackwardReference,
  GruForward: gruForwardReference,
  GruBackward: gruBackwardReference,
  RnnForward: rnnForwardReference,
  RnnBackward: rnnBackwardReference,
} as const;

for (const [name, kernel] of Object.entries(referenceKernels)) {
  engine.references.set(name as keyof typeof referenceKernels, kernel);
}
