import { createRequire } from 'node:module';

/** This package's version, written into every model file. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
