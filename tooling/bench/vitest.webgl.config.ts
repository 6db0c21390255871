import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// `pnpm bench:webgl`: the WebGL benchmark in Debian's Chromium (SwiftShader here; a real GPU's
// WebGL where the browser has one: set CHROMIUM_PATH and drop the SwiftShader flags).
export default defineConfig({
  resolve: { conditions: ['@lstm/source', 'import', 'module', 'browser', 'default'] },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-wasm'],
  },
  test: {
    include: ['src/webgl.browser-bench.ts'],
    testTimeout: 900_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: (process.env.CHROMIUM_ARGS ?? '--no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader').split(' '),
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
