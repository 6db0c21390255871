import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, Queue } from 'bullmq';
import { cli, expectOneLineMistake, lstmArgs, metricRecords } from './cli.test-helper.js';
import { QUEUE_NAME } from './queue.js';
import { meanCurves } from './sweep-curves.js';
import type { TrialRecord } from './trial.js';
import { RedisServer, freePort } from './redis.test-helper.js';

/** lstm sweep on one machine (issue 24): trials are lstm train runs, run in parallel, never twice. */
const dir = mkdtempSync(join(tmpdir(), 'lstm-sweep-'));
const sweepCwd = mkdtempSync(join(dir, 'a-'));
const aloneCwd = mkdtempSync(join(dir, 'b-'));
const tiny = [
  '--task',
  'first-last',
  '--seq-len',
  '12',
  '--train-size',
  '96',
  '--validation-size',
  '32',
  '--test-size',
  '32',
  '--epochs',
  '2',
  '--hidden',
  '6',
];
const grid = ['--grid', 'variant=standard,cifg,nfg', '--grid', 'lr=0.01,0.03', '--seeds', '2'];

interface Record {
  id: string;
  seed: number;
  out: string;
  status: string;
  config: { variant: string; lr: number };
  summary: { [key: string]: unknown };
}
const records = (out: string): Record[] =>
  readFileSync(join(out, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record);

describe('lstm sweep on local workers (issue 24)', () => {
  it('runs 12 trials on 2 workers; each equals the same lstm train run alone, model file byte for byte', { timeout: 240_000 }, () => {
    const lstm = cli(sweepCwd);
    const r = lstm('sweep', '--out', 'study', ...grid, '--workers', '2', '--quiet', '--', ...tiny);
    expect(r.code, r.stderr).toBe(0);
    const trials = records(join(sweepCwd, 'study'));
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => t.id)).size).toBe(12);
    const alone = cli(aloneCwd);
    for (const t of trials) {
      expect(t.status).toBe('done');
      const single = alone(
        'train',
        ...tiny,
        '--variant',
        t.config.variant,
        '--lr',
        String(t.config.lr),
        '--seed',
        String(t.seed),
        '--out',
        t.out,
        '--json',
        '--quiet',
      );
      expect(single.code, single.stderr).toBe(0);
      expect(JSON.parse(single.stdout.trim())).toEqual(t.summary);
      expect(
        readFileSync(join(aloneCwd, t.out, 'model.safetensors')).equals(readFileSync(join(sweepCwd, t.out, 'model.safetensors'))),
        t.id,
      ).toBe(true);
      expect(metricRecords(join(aloneCwd, t.out))).toEqual(metricRecords(join(sweepCwd, t.out)));
    }
  });

  it('run again, it continues: a recorded trial is never run twice, a lost record is made again with the same bits', {
    timeout: 120_000,
  }, () => {
    const lstm = cli(sweepCwd);
    const path = join(sweepCwd, 'study', 'trials.jsonl');
    const before = readFileSync(path, 'utf8');
    const again = lstm('sweep', '--out', 'study', ...grid, '--workers', '2', '--', ...tiny);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/12 trials \(12 already done\)/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    // A trial whose record was lost (the sweep stopped between finishing and writing) runs again, alone.
    const lines = before.trim().split('\n');
    const lost = JSON.parse(lines.at(-1)!) as Record;
    const model = readFileSync(join(sweepCwd, lost.out, 'model.safetensors'));
    writeFileSync(path, `${lines.slice(0, -1).join('\n')}\n`);
    const third = lstm('sweep', '--out', 'study', ...grid, '--workers', '2', '--', ...tiny);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/12 trials \(11 already done\)/);
    const after = records(join(sweepCwd, 'study'));
    expect(after).toHaveLength(12);
    expect(after.at(-1)!.summary).toEqual(lost.summary);
    expect(readFileSync(join(sweepCwd, lost.out, 'model.safetensors')).equals(model)).toBe(true);
  });

  it('interrupted (SIGINT), it stops its trials at their checkpoints; run again, they resume and end as if never stopped', {
    timeout: 180_000,
  }, async () => {
    const longer = [
      '--task',
      'first-last',
      '--train-size',
      '1500',
      '--validation-size',
      '64',
      '--test-size',
      '64',
      '--epochs',
      '5',
      '--hidden',
      '16',
    ];
    const args = ['sweep', '--out', 'stopped', '--grid', 'lr=0.01', '--workers', '1', '--quiet', '--', ...longer];
    const child = spawn(process.execPath, lstmArgs(...args), { cwd: sweepCwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const checkpoint = join(sweepCwd, 'stopped', 'trials', 'lr-0.01_seed-0', 'checkpoint.safetensors');
    while (!existsSync(checkpoint)) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/sweep interrupted: 0 of 1 trials done; run the same command to continue/);
    const metrics = join(sweepCwd, 'stopped', 'trials', 'lr-0.01_seed-0', 'metrics.jsonl');
    const before = readFileSync(metrics, 'utf8').trim().split('\n');
    expect(before.length).toBeLessThan(5);
    const lstm = cli(sweepCwd);
    const again = lstm(...args);
    expect(again.code, again.stderr).toBe(0);
    const [record] = records(join(sweepCwd, 'stopped'));
    expect(record!.summary.epochs).toBe(5);
    // Resumed, not restarted: the epochs before the stop keep their lines, wall-clock seconds included.
    expect(readFileSync(metrics, 'utf8').trim().split('\n').slice(0, before.length)).toEqual(before);
    // The same trial, never stopped: the same model, bit for bit.
    const alone = cli(aloneCwd)('train', ...longer, '--lr', '0.01', '--seed', '0', '--out', record!.out, '--quiet');
    expect(alone.code, alone.stderr).toBe(0);
    expect(
      readFileSync(join(aloneCwd, record!.out, 'model.safetensors')).equals(readFileSync(join(sweepCwd, record!.out, 'model.safetensors'))),
    ).toBe(true);
  });

  it('reports each configuration: mean, 95% interval, n, and Welch against the baseline with Holm', { timeout: 60_000 }, () => {
    const lstm = cli(sweepCwd);
    const r = lstm('sweep', 'report', 'study', '--json');
    expect(r.code, r.stderr).toBe(0);
    const table = JSON.parse(r.stdout) as {
      metric: string;
      baseline: string;
      rows: { label: string; n: number; values: number[]; pAdjusted?: number }[];
    };
    expect(table.metric).toBe('best_test_accuracy');
    expect(table.baseline).toBe('variant=standard lr=0.01'); // the grid's first configuration
    expect(table.rows.map((row) => row.n)).toEqual([2, 2, 2, 2, 2, 2]);
    const trials = records(join(sweepCwd, 'study'));
    const ofBaseline = trials
      .filter((t) => t.config.variant === 'standard' && t.config.lr === 0.01)
      .map((t) => t.summary.best_test_accuracy);
    expect(table.rows[0]!.values.sort()).toEqual(ofBaseline.sort());
    expect(
      table.rows
        .slice(1)
        .every((row) => row.pAdjusted === undefined || Number.isNaN(row.pAdjusted) || (row.pAdjusted >= 0 && row.pAdjusted <= 1)),
    ).toBe(true);
    const text = lstm('sweep', 'report', 'study', '--baseline', 'lr=0.03,variant=nfg');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/variant=nfg lr=0\.03 \(baseline\)/);
    expect(text.stdout).toMatch(/Holm/);
    const markdown = lstm('sweep', 'report', 'study', '--markdown');
    expect(markdown.code, markdown.stderr).toBe(0);
    const rows = markdown.stdout.split('\n').filter((line) => line.startsWith('|'));
    expect(rows).toHaveLength(2 + 6);
    expect(rows[2]).toMatch(/^\| variant=standard lr=0\.01 \(baseline\) \| 2 \| 0\.\d{4} \| /);
    const drawn = lstm('sweep', 'report', 'study', '--out', 'study.svg');
    expect(drawn.code, drawn.stderr).toBe(0);
    const svg = readFileSync(join(sweepCwd, 'study.svg'), 'utf8');
    expect(svg.match(/class="trial"/g)).toHaveLength(12);
    expect(svg.match(/class="mean"/g)).toHaveLength(6);
    // Curves by configuration: one line each, the mean of its trials' test accuracy at every epoch.
    const curves = lstm('sweep', 'report', 'study', '--curves', 'curves.svg');
    expect(curves.code, curves.stderr).toBe(0);
    const lines = [...readFileSync(join(sweepCwd, 'curves.svg'), 'utf8').matchAll(/class="series"[^>]*data-points="(\d+)"/g)];
    expect(lines.map((m) => Number(m[1]))).toEqual([2, 2, 2, 2, 2, 2]);
    expect(readFileSync(join(sweepCwd, 'curves.svg'), 'utf8')).toContain('variant=standard lr=0.01 (baseline) · n=2');
    const groups = new Map<string, TrialRecord[]>();
    for (const t of records(join(sweepCwd, 'study')) as unknown as TrialRecord[])
      groups.set(JSON.stringify(t.config), [...(groups.get(JSON.stringify(t.config)) ?? []), { ...t, out: join(sweepCwd, t.out) }]);
    const [first] = meanCurves(groups, 'best_test_accuracy', '');
    const [a, b] = [...groups.values()][0]!.map((t) => metricRecords(t.out).map((m) => m.test_accuracy!));
    expect(first!.points).toEqual([
      [1, (a![0]! + b![0]!) / 2],
      [2, (a![1]! + b![1]!) / 2],
    ]);
  });

  it('reads a YAML sweep file; random draws that many configurations of its grid, the same ones each time', { timeout: 60_000 }, () => {
    writeFileSync(
      join(sweepCwd, 'random.yaml'),
      [
        'base:',
        '  task: first-last',
        '  seq-len: 12',
        '  train-size: 96',
        '  test-size: 32',
        '  epochs: 1',
        'grid:',
        '  hidden: [4, 6, 8]',
        '  lr: [0.01, 0.03]',
        'random: 2',
        'seeds: 1',
        '',
      ].join('\n'),
    );
    const lstm = cli(sweepCwd);
    const r = lstm('sweep', '--out', 'random', '--spec', 'random.yaml', '--workers', '2', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const drawn = records(join(sweepCwd, 'random'))
      .map((t) => t.id)
      .sort();
    expect(drawn).toHaveLength(2);
    for (const id of drawn) expect(id).toMatch(/^hidden-[468]_lr-0\.0[13]_seed-0$/);
    const again = lstm('sweep', '--out', 'random-again', '--spec', 'random.yaml', '--workers', '2', '--quiet');
    expect(again.code, again.stderr).toBe(0);
    expect(
      records(join(sweepCwd, 'random-again'))
        .map((t) => t.id)
        .sort(),
    ).toEqual(drawn);
  });

  it('refuses bad input in one line, before running anything', () => {
    const lstm = cli(sweepCwd);
    expectOneLineMistake(
      lstm('sweep', '--out', 'bad', '--grid', 'lrr=1,2', '--', ...tiny),
      2,
      /trial lrr-1_seed-0: unknown option '--lrr'/,
    );
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--', ...tiny), 2, /the grid is empty/);
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--grid', 'lr=1', '--', ...tiny, '--seed', '4'), 2, /--seed is set by the sweep/);
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--grid', 'cell=lstm,grux', '--', ...tiny), 2, /argument 'grux' is invalid/);
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--spec', 'none.json', '--', ...tiny), 1, /--spec none\.json: no such file/);
    writeFileSync(join(sweepCwd, 'scalar.json'), JSON.stringify({ grid: { lr: 0.01 } }));
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--spec', 'scalar.json', '--', ...tiny), 2, /grid 'lr' must be a list of values/);
    writeFileSync(join(sweepCwd, 'broken.yaml'), 'grid: [unclosed');
    expectOneLineMistake(lstm('sweep', '--out', 'bad', '--spec', 'broken.yaml', '--', ...tiny), 1, /--spec broken\.yaml is not valid YAML/);
    expectOneLineMistake(lstm('sweep', 'report', 'study', '--metric', 'nope'), 2, /--metric nope: the trials report/);
    expectOneLineMistake(lstm('sweep', 'report', 'study', '--baseline', 'lr=9'), 2, /--baseline lr=9: no configuration is lr=9/);
    // A record of another format (a newer or older lstm wrote it) is named, not misread.
    writeFileSync(join(sweepCwd, 'other.jsonl'), '');
    const study = join(sweepCwd, 'study', 'trials.jsonl');
    const kept = readFileSync(study, 'utf8');
    writeFileSync(study, `${kept}${JSON.stringify({ format: 99, id: 'x' })}\n`);
    expectOneLineMistake(lstm('sweep', 'report', 'study'), 1, /is a trial of format 99; this lstm .* reads format 1/);
    writeFileSync(study, kept);
  }, 180_000); // several lstm processes, each a few seconds to start on a loaded machine
});

/** lstm sweep --queue and lstm worker on a real Redis (issue 24, item 3). */
describe('lstm sweep on a Redis queue, taken by lstm workers (issue 24)', () => {
  const queueCwd = mkdtempSync(join(dir, 'q-'));
  const lines = (text: string, word: string) =>
    text
      .split('\n')
      .map((line) => line.match(new RegExp(`^worker: (\\S+) ${word}`))?.[1])
      .filter((id): id is string => id !== undefined);
  const until = async (what: () => boolean, seconds: number, why: string) => {
    const start = Date.now();
    while (!what()) {
      if (Date.now() - start > seconds * 1000) throw new Error(`waited ${seconds} s for ${why}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const start = (...args: string[]) => {
    const child = spawn(process.execPath, lstmArgs(...args), { cwd: queueCwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { stderr: '', code: undefined as number | null | undefined, child };
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk));
    child.on('close', (code, signal) => (run.code = signal ? null : code));
    return run;
  };

  it('two workers, one killed mid-trial, Redis restarted mid-sweep: every trial once, results equal the local sweep', {
    timeout: 240_000,
  }, async () => {
    const redis = new RedisServer(await freePort(), mkdtempSync(join(dir, 'redis-')));
    await redis.start();
    const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url } });
    try {
      const producer = start('sweep', '--out', 'study', ...grid, '--queue', redis.url, '--', ...tiny);
      await until(() => producer.stderr.includes('12 trials (0 already done), on the queue'), 60, 'the sweep to start');
      for (let counts = await queue.getJobCounts('waiting'); counts.waiting !== 12; counts = await queue.getJobCounts('waiting'))
        await new Promise((resolve) => setTimeout(resolve, 100));
      const worker = ['worker', '--queue', redis.url, '--concurrency', '1', '--stall-seconds', '5', '--until-empty'];
      const a = start(...worker);
      const b = start(...worker);
      await until(() => lines(a.stderr, 'started').length > 0, 60, 'worker a to start a trial');
      const killed = lines(a.stderr, 'started')[0]!;
      await new Promise((resolve) => setTimeout(resolve, 700)); // mid-trial
      a.child.kill('SIGKILL');
      const recorded = () => (existsSync(join(queueCwd, 'study', 'trials.jsonl')) ? records(join(queueCwd, 'study')).length : 0);
      await until(() => recorded() >= 4, 120, 'four trials');
      await redis.stop();
      await redis.start();
      await until(() => producer.code !== undefined && b.code !== undefined, 180, 'the sweep and worker b to end');
      expect(producer.code, producer.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      // Every trial finished exactly once: the killed one by b, after its lock lapsed.
      const finished = [...lines(a.stderr, 'done'), ...lines(b.stderr, 'done')];
      expect(finished.sort()).toEqual(
        records(join(sweepCwd, 'study'))
          .map((t) => t.id)
          .sort(),
      );
      expect(lines(b.stderr, 'started')).toContain(killed);
      const local = new Map(records(join(sweepCwd, 'study')).map((t) => [t.id, t]));
      const queued = records(join(queueCwd, 'study'));
      expect(queued).toHaveLength(12);
      for (const t of queued) {
        expect(t.summary, t.id).toEqual(local.get(t.id)!.summary);
        const model = (cwd: string) => readFileSync(join(cwd, t.out, 'model.safetensors'));
        expect(model(queueCwd).equals(model(sweepCwd)), t.id).toBe(true);
      }
      expect(await queue.getJobCounts('completed')).toEqual({ completed: 12 });
      // A trial of another format (a newer lstm put it there): the worker says so and leaves it queued.
      await queue.add('future', { format: 99, version: '9.0.0', cwd: queueCwd, trial: { id: 'future' } }, { jobId: 'future' });
      expectOneLineMistake(
        cli(queueCwd)(...worker, '--quiet'),
        2,
        /^lstm: error: worker: trial future is of format 99 \(lstm 9\.0\.0\); this worker \(lstm .*\) runs format 1 — run workers of lstm 9\.0\.0$/,
      );
      expect(await (await Job.fromId(queue, 'future'))!.getState()).toBe('waiting');
    } finally {
      await queue.close();
      await redis.stop();
    }
  });

  it('refuses an unreachable or non-Redis queue in one line, before writing anything', async () => {
    const lstm = cli(queueCwd);
    const port = await freePort();
    expectOneLineMistake(
      lstm('sweep', '--out', 'nowhere', ...grid, '--queue', `redis://127.0.0.1:${port}`, '--', ...tiny),
      1,
      new RegExp(`--queue redis://127\\.0\\.0\\.1:${port}: cannot reach Redis \\(ECONNREFUSED\\)`),
    );
    expect(existsSync(join(queueCwd, 'nowhere'))).toBe(false);
    expectOneLineMistake(
      lstm('worker', '--queue', `redis://127.0.0.1:${port}`),
      1,
      /cannot reach Redis \(ECONNREFUSED\); start redis-server/,
    );
    expectOneLineMistake(lstm('sweep', '--out', 'x', ...grid, '--queue', 'amqp://host:5672', '--', ...tiny), 2, /only Redis queues/);
    expectOneLineMistake(
      lstm('sweep', '--out', 'x', ...grid, '--queue', `redis://127.0.0.1:${port}`, '--workers', '2', '--', ...tiny),
      2,
      /--workers is for trials run here; with --queue, each lstm worker sets its own --concurrency/,
    );
  });
});
