import { defineConfig } from 'vitest/config';

// One vitest process for the whole monorepo. The '@lstm/source' condition makes
// workspace packages resolve to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['@lstm/source', 'import', 'module', 'default'] },
  ssr: { resolve: { conditions: ['@lstm/source', 'import', 'module', 'default'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tooling/*/src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
