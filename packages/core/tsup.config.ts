import { library } from '../../tooling/tsup/library';

export default library({ index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, ['vitest']);
