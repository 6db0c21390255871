import { SequenceModel, type SequenceModelCache, type SequenceModelOptions } from './sequence-model.js';

export interface SequenceClassifierOptions extends Omit<SequenceModelOptions, 'outputSize' | 'readout'> {
  numClasses: number;
}

export type ClassifierCache = SequenceModelCache;

/**
 * A SequenceModel read out from the last layer's final hidden state into class logits — the
 * model of the long-range experiment (E1). `forward(x).output` holds the logits [B, classes].
 */
export class SequenceClassifier extends SequenceModel {
  constructor(options: SequenceClassifierOptions) {
    const { numClasses, ...rest } = options;
    super({ ...rest, outputSize: numClasses, readout: 'last' });
  }
}
