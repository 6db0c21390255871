// The README's picture of the playground (pnpm --filter @lstm/site picture, after a build): first-last, 30 epochs on wasm.
import { launch, serveSite } from '../src/browser.test-helper.js';
const server = await serveSite();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
await page.goto(
  `${server.url}/playground.html?task=first-last&seqLen=20&cell=lstm&hidden=16&layers=1&lr=0.01&clip=1&forgetBias=1&backend=wasm&seed=1&epochs=30&trainSize=1000&text=builtin`,
);
await page.waitForFunction(() => /^ready/.test(document.querySelector('#pg-status')?.textContent?.trim() ?? ''), null, { timeout: 60000 });
await page.click('#pg-run');
await page.waitForFunction(() => document.querySelector('#pg-status')?.getAttribute('data-run') === 'done', null, { timeout: 60000 });
await page.waitForTimeout(1500);
await page.fill('#pg-sequence', '3');
await page.click('#pg-show');
await page.waitForTimeout(800);
await page.locator('.playground .charts').screenshot({ path: '../../docs/site-playground.png' });
console.log(await page.locator('#pg-status').textContent());
await browser.close();
await server.close();
