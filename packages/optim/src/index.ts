/**
 * Optimizers (Adam, AdamW) and gradient clipping for @lstm, update rules identical to PyTorch.
 * @packageDocumentation
 * @module @lstm/optim
 */
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { clipGradNorm, clipGradNormOnDevice, clipGradValue } from './clip.js';
export { Optimizer, type OptimizerState } from './optimizer.js';
export { RMSprop, type RmsPropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  ReduceLROnPlateau,
  StepLR,
  type HasLearningRate,
  type PlateauOptions,
  type Schedule,
} from './schedules.js';
export { SGD, type SgdOptions } from './sgd.js';
export type { Trainable } from './trainable.js';
