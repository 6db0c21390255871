import { defineConfig, type Options } from 'tsup';

/** The one build recipe of every @lstm package: ESM, type declarations, source maps. */
export function library(entry: Options['entry'], external: string[] = []) {
  return defineConfig({ entry, format: ['esm'], dts: true, sourcemap: true, clean: true, external });
}
