import { library } from '../../tooling/tsup/library';

export default library(
  ['src/index.ts'],
  [
    '@lstm/core',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-webgl',
  ],
);
