import { library } from '../../tooling/tsup/library';

export default library({ index: 'src/index.ts', 'node/index': 'src/node/index.ts' }, ['@resvg/resvg-js', 'dejavu-fonts-ttf']);
