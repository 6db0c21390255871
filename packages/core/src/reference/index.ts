import type { ReferenceKernel } from '../kernel-types.js';
import type { RecurrentKernelName } from '../kernel-names.js';
import { adamUpdateReference } from './adam.js';
import { gruBackwardReference, gruForwardReference } from './gru.js';
import { lstmBackwardReference, lstmForwardReference } from './lstm.js';
import { rnnBackwardReference, rnnForwardReference } from './rnn.js';

/**
 * Reference compositions by kernel id: what core runs when a backend lacks a fused kernel (the
 * ops that dispatch them install them: ops/recurrent.ts, ops/optim.ts).
 */
export const referenceKernels = {
  LstmForward: lstmForwardReference,
  LstmBackward: lstmBackwardReference,
  GruForward: gruForwardReference,
  GruBackward: gruBackwardReference,
  RnnForward: rnnForwardReference,
  RnnBackward: rnnBackwardReference,
  AdamUpdate: adamUpdateReference,
} as const satisfies { [K in RecurrentKernelName | 'AdamUpdate']: ReferenceKernel<K> };
