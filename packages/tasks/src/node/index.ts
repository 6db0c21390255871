export { decodeCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';
export { co2Csv, sotuText } from './datasets.js';
export { ensureDirectory, writeFileAtomic } from './files.js';
