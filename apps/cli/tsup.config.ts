import { library } from '../../tooling/tsup/library';

export default library(['src/main.ts', 'src/index.ts'], ['@lstm/core', '@lstm/backend-cpu', '@lstm/layers', '@lstm/optim', '@lstm/tasks']);
