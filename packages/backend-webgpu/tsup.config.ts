import { library } from '../../tooling/tsup/library';

export default library(['src/index.ts'], ['@lstm/core', 'webgpu']);
