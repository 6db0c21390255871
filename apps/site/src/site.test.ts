import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dist, screenshot, useSite, watchProblems } from './browser.test-helper.js';

// The built site in a real Chromium, served as plain static files: every page loads cleanly,
// the main pages pass axe-core, and screenshots at desktop and phone widths are kept for review.

const axeSource = readFileSync(join(import.meta.dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Every page of the build, as a path below the site root. */
function pages(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.html') && entry.name !== '404.html') found.push(`/${relative(dist, path)}`);
    }
  };
  walk(dist);
  return found.sort();
}

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const MAIN_PAGES = [
  '/index.html',
  '/getting-started.html',
  '/concepts/cell.html',
  '/concepts/carousel.html',
  '/guides/cli.html',
  '/api/index.html',
];

/** At phone width, the pages whose layout differs most (the home page, prose with code, equations). */
const PHONE_PAGES = ['/index.html', '/getting-started.html', '/concepts/carousel.html'];

const site = useSite();

describe('the built site', () => {
  it('has the pages the issue lists, and every page loads with no console error and no failed request', async () => {
    const all = pages();
    for (const page of [
      ...MAIN_PAGES,
      '/playground.html',
      '/experiments.html',
      '/results/e1.html',
      '/results/e4.html',
      '/gallery.html',
      '/benchmarks.html',
    ])
      expect(all).toContain(page);
    // The API reference: one page per package (and @lstm/layers/onnx), one per class.
    const api = all.filter((p) => p.startsWith('/api/@lstm/'));
    expect(api.filter((p) => p.endsWith('/index.html'))).toHaveLength(9);
    expect(api.filter((p) => p.includes('/classes/')).length).toBeGreaterThan(30);
    const page = await site.browser.newPage();
    const problems = watchProblems(page);
    for (const path of all) {
      await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
      // The playground starts its worker after load: let it come up before moving on.
      if (path === '/playground.html') await page.waitForSelector('#pg-status[data-run="idle"]:not(:has-text("Starting"))');
      expect(await page.locator('h1').count(), path).toBeGreaterThan(0);
    }
    await page.waitForTimeout(500); // anything the last page logs late
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('renders equations and the figures drawn at build time', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/concepts/carousel.html`, { waitUntil: 'networkidle' });
    expect(await page.locator('mjx-container svg').count()).toBeGreaterThan(3);
    const figures = await page.$$eval('img[src*="/figures/"]', (images) => images.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(figures.length).toBe(5); // decay, retention, two gradient flows, explode
    for (const width of figures) expect(width).toBeGreaterThan(100);
    await page.close();
  });

  it('passes axe-core with no serious or critical violation, and leaves screenshots at desktop and phone widths', async () => {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const page = await site.browser.newPage({ viewport });
      for (const path of name === 'phone' ? PHONE_PAGES : MAIN_PAGES) {
        await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
          ).axe;
          return (await axe.run()).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.nodes.length})`);
        });
        expect(violations, `${path} at ${name} width`).toEqual([]);
        await screenshot(page, `${name}-${path.slice(1).replace(/\//g, '-').replace('.html', '')}`);
      }
      await page.close();
    }
  }, 120_000);

  it('weighs the build and the first load of the playground (until its first model is ready)', async () => {
    let total = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else total += statSync(join(dir, entry.name)).size;
      }
    };
    walk(dist);
    const page = await site.browser.newPage();
    const loaded: { url: string; bytes: number; gzip: number }[] = [];
    page.on('response', async (response) => {
      const body = await response.body().catch(() => null);
      if (body) loaded.push({ url: response.url(), bytes: body.length, gzip: gzipSync(body).length });
    });
    await page.goto(`${site.url}/playground.html`);
    await page.waitForFunction(() => /^ready/.test(document.querySelector('#pg-status')?.textContent?.trim() ?? ''), null, {
      timeout: 60_000,
    });
    await page.waitForLoadState('networkidle');
    const bytes = loaded.reduce((a, r) => a + r.bytes, 0);
    const gzip = loaded.reduce((a, r) => a + r.gzip, 0);
    console.log(
      `site: ${(total / 1e6).toFixed(1)} MB in ${dist}; playground first load: ${loaded.length} files, ${(bytes / 1e6).toFixed(2)} MB (${(gzip / 1e6).toFixed(2)} MB gzipped)`,
    );
    // Budgets: TensorFlow.js is fetched only when WebGL is chosen, so the first load stays small.
    expect(loaded.some((r) => /tfjs|webgl/i.test(r.url))).toBe(false);
    expect(gzip).toBeLessThan(1.5e6);
    expect(total).toBeLessThan(30e6);
    await page.close();
  });

  it('shows chart text at 11 px or more at 1280 px wide, the home page figure included (issue 20)', async () => {
    const page = await site.browser.newPage({ viewport: VIEWPORTS.desktop });
    const checked: string[] = [];
    for (const path of [
      '/index.html',
      '/concepts/cell.html',
      '/concepts/carousel.html',
      '/gallery.html',
      '/results/e1.html',
      '/results/e4.html',
    ]) {
      await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
      const figures = await page.$$eval('img[src$=".svg"]', (images) =>
        images.map((i) => ({
          src: (i as HTMLImageElement).src,
          shown: i.getBoundingClientRect().width,
          natural: (i as HTMLImageElement).naturalWidth,
        })),
      );
      if (path === '/index.html') expect(figures.map((f) => f.src)).toEqual([expect.stringMatching(/\/figures\/hero-gates\.svg$/)]);
      for (const figure of figures) {
        const svg = await (await fetch(figure.src)).text();
        const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
        const smallest = Math.min(...sizes) * (figure.shown / figure.natural);
        checked.push(`${path} ${figure.src.split('/').pop()}`);
        expect(smallest, `${path}: ${figure.src} shows text at ${smallest.toFixed(1)} px`).toBeGreaterThanOrEqual(11);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
    await page.close();
  }, 120_000);
});
