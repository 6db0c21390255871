export { Adam, type AdamOptions } from './adam.js';
export { clipGradNorm } from './clip.js';
export type { Trainable } from './trainable.js';
