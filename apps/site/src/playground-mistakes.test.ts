import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBackend, setBackend } from '@lstm/core';
import { cpu } from '@lstm/backend-cpu';
import { SequenceModel, encodeModel } from '@lstm/layers';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../cli/src/cli.test-helper.js';
import { launch, screenshot, status, useSite, watchProblems } from './browser.test-helper.js';
import { DEFAULTS, queryOf, type PlaygroundConfig } from './playground/config.js';

// Bad input in the playground: each mistake gets one clear line in the page, and the model and
// the run it had stay as they were. And the text tools: sampling and saliency.

const site = useSite();
beforeAll(async () => {
  registerBackend(cpu());
  await setBackend('cpu');
});

async function open(b: Browser, query: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await b.newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(`${site.url}/playground.html?${query}`);
  await page.waitForFunction(() => /^(ready|paused|done)/.test(document.querySelector('#pg-status')?.textContent?.trim() ?? ''), null, {
    timeout: 60_000,
  });
  return { page, problems };
}

const fast = (config: Partial<PlaygroundConfig> = {}) =>
  queryOf({ ...DEFAULTS, backend: 'wasm', seqLen: 12, hidden: 8, trainSize: 300, ...config });

/** One epoch through the Step button; resolves once it is counted. */
async function stepEpoch(page: Page): Promise<void> {
  const before = (await status(page)).epochs;
  await page.click('#pg-step');
  await page.waitForFunction((n) => Number(document.querySelector('#pg-status')?.getAttribute('data-epochs')) > n, before, {
    timeout: 60_000,
  });
}

/** Expects the page's one-line message, and the run untouched: same epochs, same test accuracy, same task line. */
async function expectRefused(
  page: Page,
  message: RegExp,
  run: { epochs: number; accuracy: number | null; task: string | null },
): Promise<void> {
  const error = page.locator('#pg-error');
  await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 10_000 }).toMatch(message);
  const text = (await error.textContent())!.trim();
  expect(text.split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/internal|undefined|\bat .*\.js/);
  const now = await status(page);
  expect({ epochs: now.epochs, accuracy: now.accuracy, task: await page.locator('.task-info').textContent() }).toEqual(run);
}

async function runOf(page: Page) {
  const { epochs, accuracy } = await status(page);
  return { epochs, accuracy, task: await page.locator('.task-info').textContent() };
}

describe('the playground refuses bad input in one line and keeps its run', () => {
  it('empty, corrupt and foreign model files', async () => {
    const { page } = await open(site.browser, fast());
    await stepEpoch(page);
    await stepEpoch(page);
    const run = await runOf(page);
    await page.setInputFiles('#pg-load', { name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
    await expectRefused(page, /empty\.safetensors is empty/, run);
    await page.setInputFiles('#pg-load', {
      name: 'junk.safetensors',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('not a model at all, just words'),
    });
    await expectRefused(page, /junk\.safetensors/, run);
    const model = new SequenceModel({ cell: 'lstm', inputSize: 1, hiddenSize: 4, numLayers: 1, outputSize: 1, readout: 'last', seed: 1 });
    const series = encodeModel(model, { task: { task: 'series', options: { task: 'series', seed: 1 } } }, '0.1.0');
    await page.setInputFiles('#pg-load', { name: 'co2.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(series) });
    await expectRefused(page, /co2\.safetensors was trained on the 'series' task; the playground loads/, run);
    await stepEpoch(page); // and it still trains
    expect((await status(page)).epochs).toBe(run.epochs + 1);
    await page.close();
  }, 90_000);

  it('empty, binary and too-short text', async () => {
    const { page } = await open(site.browser, fast({ task: 'text', seqLen: 16 }));
    await stepEpoch(page);
    const run = await runOf(page);
    await page.selectOption('#pg-text-source', 'custom');
    await expectRefused(page, /the text box is empty/, run);
    await page.setInputFiles('#pg-text-file', {
      name: 'photo.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]),
    });
    await expectRefused(page, /photo\.txt is not UTF-8 text/, run);
    await page.setInputFiles('#pg-text-file', { name: 'blank.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
    await expectRefused(page, /blank\.txt is empty/, run);
    await page.fill('#pg-custom-text', 'Far too short.');
    await page.click('#pg-reset');
    await expectRefused(page, /the text has 14 characters, too short for sequences of 16/, run);
    await page.close();
  }, 90_000);

  it('a link with settings out of range: the defaults, and why', async () => {
    const { page } = await open(site.browser, 'hidden=100000&cell=lstm');
    await expect
      .poll(() => page.locator('#pg-error').textContent())
      .toMatch(/This link's settings were not used: hidden must be between 1 and 256, got 100000/);
    expect(await page.inputValue('#pg-hidden')).toBe(String(DEFAULTS.hidden));
    await page.close();
  });

  it('a backend this browser lacks (WebGL disabled): a message, and training goes on where it was', async () => {
    const noWebgl = await launch({ webgl: false });
    try {
      const { page } = await open(noWebgl, fast());
      await stepEpoch(page);
      const run = await runOf(page);
      await page.selectOption('#pg-backend', 'webgl');
      await expectRefused(page, /WebGL/, run);
      expect(await page.inputValue('#pg-backend')).toBe('wasm');
      await stepEpoch(page);
      expect(await page.locator('.task-info').textContent()).toContain('backend wasm');
    } finally {
      await noWebgl.close();
    }
  }, 90_000);
});

describe('text models', () => {
  it('sample at a temperature, explain a character by its saliency, and hand model and text to lstm eval', async () => {
    const { page, problems } = await open(site.browser, fast({ task: 'text', seqLen: 32, hidden: 32, lr: 0.01 }), {
      width: 390,
      height: 844,
    });
    for (let e = 0; e < 3; e++) await stepEpoch(page);
    await page.fill('#pg-prime', 'We ');
    await page.fill('#pg-length', '60');
    await page.click('#pg-sample');
    await expect.poll(() => page.locator('#pg-sample-text .char').count()).toBe(63);
    const sample = (await page.locator('#pg-sample-text').textContent())!;
    expect(sample.startsWith('We ')).toBe(true);
    await page.locator('#pg-sample-text .char').nth(40).hover();
    await expect
      .poll(() => page.locator('#pg-saliency').textContent(), { timeout: 10_000 })
      .toMatch(/After character 41 the model predicts .+ \([\d.]+ %\)\. Most active units there: #\d+/);
    const shaded = await page.$$eval(
      '#pg-sample-text .char',
      (chars) => chars.filter((c) => (c as HTMLElement).style.background !== '').length,
    );
    expect(shaded).toBe(41); // the characters up to the hovered one, none after
    await screenshot(page, 'phone-playground-text');
    const work = mkdtempSync(join(tmpdir(), 'lstm-site-text-'));
    for (const [button, file] of [
      ['#pg-download', 'model.safetensors'],
      ['#pg-download-text', 'playground-text.txt'],
    ]) {
      const download = page.waitForEvent('download');
      await page.click(button!);
      await (await download).saveAs(join(work, file!));
    }
    const evaluated = cli(work)('eval', '--model', 'model.safetensors', '--data', 'playground-text.txt', '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).test_accuracy).toBeCloseTo((await status(page)).accuracy!, 9);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
