import { engine } from '../engine.js';
import type { ReferenceKernel } from '../kernel-types.js';
import type { RecurrentKernelName } from '../kernel-names.js';
import { adamUpdateReference } from './adam.js';
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
  AdamUpdate: adamUpdateReference,
} as const satisfies { [K in RecurrentKernelName | 'AdamUpdate']: ReferenceKernel<K> };

engine.setReference('LstmForward', lstmForwardReference);
engine.setReference('LstmBackward', lstmBackwardReference);
engine.setReference('GruForward', gruForwardReference);
engine.setReference('GruBackward', gruBackwardReference);
engine.setReference('RnnForward', rnnForwardReference);
engine.setReference('RnnBackward', rnnBackwardReference);
engine.setReference('AdamUpdate', adamUpdateReference);
