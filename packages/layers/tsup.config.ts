import { library } from '../../tooling/tsup/library';

export default library({ index: 'src/index.ts', onnx: 'src/onnx.ts' }, ['@lstm/core']);
