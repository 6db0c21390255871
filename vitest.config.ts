import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// One vitest run for the whole monorepo, in two projects: Node, and a real Chromium (Debian's,
// WebGL2 and WebGPU through SwiftShader) for the *.browser.test.ts files. The '@lstm/source' condition
// makes workspace packages resolve to their TypeScript sources, so tests need no build.
const conditions = ['@lstm/source', 'import', 'module', 'browser', 'default'];
const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu', // navigator.gpu in headless Chromium (SwiftShader's adapter on CI)
];

/** Debian's Chromium, headless, through Playwright (a fresh object per project: vitest names its instances in place). */
const chromium = () => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: ['@lstm/source', 'import', 'module', 'default'] } },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tooling/*/src/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', 'apps/site/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        // Pre-bundled up front (root devDependencies, so vite resolves them from here): a dependency
        // discovered mid-run makes vite reload the page halfway through a test file.
        optimizeDeps: {
          include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgl', 'valibot', 'papaparse'],
        },
        test: {
          name: 'chromium',
          include: ['packages/*/src/**/*.browser.test.ts'],
          exclude: ['**/*.isolated.browser.test.ts', '**/node_modules/**'],
          testTimeout: 180_000,
          browser: chromium(),
        },
      },
      {
        extends: true,
        // A cross-origin-isolated page (COOP + COEP), where SharedArrayBuffer exists: backend-wasm's threads.
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: {
          name: 'chromium-isolated',
          include: ['packages/*/src/**/*.isolated.browser.test.ts'],
          browser: chromium(),
        },
      },
      {
        extends: true,
        // The built documentation site in Chromium (playwright-core), run after the others and one
        // file at a time (`pnpm test:site`): its test of the page's responsiveness needs a quiet machine.
        test: {
          name: 'site',
          include: ['apps/site/src/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
