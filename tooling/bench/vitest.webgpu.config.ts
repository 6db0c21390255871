import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// `pnpm bench:webgpu`: the WebGPU benchmark in Debian's Chromium (SwiftShader here; a real GPU's
// WebGPU where the browser has one: set CHROMIUM_PATH, and CHROMIUM_ARGS without the SwiftShader flags).
export default defineConfig({
  resolve: { conditions: ['@lstm/source', 'import', 'module', 'browser', 'default'] },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'],
  },
  test: {
    include: ['src/webgpu.browser-bench.ts'],
    testTimeout: 900_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: (
            process.env.CHROMIUM_ARGS ?? '--no-sandbox --enable-unsafe-webgpu --use-angle=swiftshader --enable-unsafe-swiftshader'
          ).split(' '),
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
