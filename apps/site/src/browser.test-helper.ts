import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll } from 'vitest';

/** Test helpers: the built site served as static files, and Debian's Chromium driving it. */

export const siteRoot = fileURLToPath(new URL('..', import.meta.url));
export const dist = join(siteRoot, 'docs', '.vitepress', 'dist');
/** Screenshots for review (git-ignored). */
export const screenshots = join(siteRoot, 'screenshots');

const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/**
 * WebGL2 through SwiftShader (software), and WebGPU on SwiftShader's adapter (navigator.gpu in
 * pages and workers); without these and with the GPU off, a browser has neither.
 */
const WEBGL = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'];
const NO_WEBGL = ['--disable-gpu', '--disable-software-rasterizer', '--disable-webgl', '--disable-3d-apis'];

/** Serves the build with a plain static file server (no server code of ours), on a random port. */
export async function serveSite(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`no built site in ${dist}: run pnpm build first`);
  const handler = sirv(dist, { dev: false, etag: true, extensions: ['html'] });
  const server: Server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Headless Chromium (`CHROMIUM_PATH` or /usr/bin/chromium), with WebGL2 through SwiftShader, or none at all. */
export function launch(options: { webgl?: boolean } = {}): Promise<Browser> {
  const args = [...ARGS, ...(options.webgl === false ? NO_WEBGL : WEBGL)];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/** What went wrong on a page: console errors, uncaught exceptions and failed or refused requests. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && m.location().url) problems.push(`  at ${m.location().url}`);
  });
  page.on('requestfailed', (r) => {
    // A prefetch of a page not visited yet (a <link rel="prefetch">, or VitePress's fetch of the
    // page's .lean.js chunk) is cancelled when the test navigates on: not a failure. A missing file
    // is still caught, as an HTTP error below.
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && (r.resourceType() === 'other' || r.url().endsWith('.lean.js'))) return;
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** A screenshot of the whole page, or of one element (a locator). */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}

/** The number of points of each `path.series` of an @lstm/viz line chart in `selector`. */
export function seriesPoints(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(`${selector} path.series`, (paths) => paths.map((p) => (p.getAttribute('d')?.match(/[ML]/g) ?? []).length));
}

/** The page's status: run state, epochs done, test accuracy, and the loss it shows. */
export async function status(
  page: Page,
): Promise<{ run: string; epochs: number; accuracy: number | null; loss: number | null; text: string }> {
  const element = page.locator('#pg-status');
  const text = (await element.textContent()) ?? '';
  const accuracy = await element.getAttribute('data-test-accuracy');
  const loss = text.match(/loss ([\d.]+)/);
  return {
    run: (await element.getAttribute('data-run')) ?? '',
    epochs: Number(await element.getAttribute('data-epochs')),
    accuracy: accuracy ? Number(accuracy) : null,
    loss: loss ? Number(loss[1]) : null,
    text,
  };
}

/** For one test file: the built site served and a Chromium launched before its tests, both closed after. */
export function useSite(): { url: string; browser: Browser } {
  const site = { url: '', browser: undefined as Browser | undefined };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const server = await serveSite();
    ({ url: site.url, close } = server);
    site.browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await site.browser?.close();
    await close?.();
  });
  return {
    get url() {
      return site.url;
    },
    get browser() {
      if (!site.browser) throw new Error('the browser starts in beforeAll');
      return site.browser;
    },
  };
}
