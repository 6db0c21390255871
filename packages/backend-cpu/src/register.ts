import { registerBackend } from '@lstm/core';
import { cpu } from './index.js';

// Side-effect entry: `import '@lstm/backend-cpu/register'` registers the CPU backend.
registerBackend(cpu());
