import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { sleep, start, stopAll, volley } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

// The target runs in its own process, as a real server would: the counts it reports are its own.
describe('volley run, end to end', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess({});
  });
  after(() => target.close());

  it('reports exactly the requests asked for, and the target counted the same', async () => {
    const before = await target.stats();
    const out = await volley('run', target.url, '-n', '20000', '-c', '20', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    const after = await target.stats();
    assert.equal(result.requests.total, 20000);
    assert.equal(result.requests.byStatus['200'], 20000);
    assert.equal(after.requests - before.requests, 20000, 'the target saw every request, and no more');
    assert.ok(after.connections - before.connections <= 20, 'pooled: at most -c connections');
    assert.equal(result.latency.count, 20000);
    assert.ok(result.latency.p50 > 0 && result.latency.p50 <= result.latency.p99);
    assert.equal(result.agents.length, 1);
  });

  it('opens one connection per request with --client per-request', async () => {
    const before = await target.stats();
    const out = await volley('run', target.url, '-n', '300', '-c', '5', '--client', 'per-request', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const after = await target.stats();
    assert.equal(JSON.parse(out.stdout).requests.total, 300);
    assert.equal(after.requests - before.requests, 300);
    assert.equal(after.connections - before.connections, 300, 'a fresh connection for every request');
  });

  it('runs for a duration and reports one interval per second', async () => {
    const out = await volley('run', target.url, '-d', '2s', '-c', '4', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.intervals.length, 2);
    const sum = result.intervals.reduce((n: number, i: { requests: number }) => n + i.requests, 0);
    assert.equal(sum, result.requests.total, 'intervals add up to the total');
  });

  it('stops on SIGINT, still prints what it measured, and exits 1', async () => {
    const run = start(['run', target.url, '-d', '30s', '-c', '2']);
    // Interrupt once the run is under way: the target has started counting our requests.
    const before = (await target.stats()).requests;
    for (let i = 0; i < 100 && (await target.stats()).requests === before; i++) await sleep(50);
    await sleep(300);
    run.child.kill('SIGINT');
    const out = await run.exited;
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /run stopped early/);
    assert.match(out.stdout, /p99\.99/);
    const settled = (await target.stats()).requests;
    await sleep(300);
    assert.equal((await target.stats()).requests, settled, 'no load after the process ended');
  });
});

describe('volley run --demo', () => {
  it('starts the built-in target and prints a real report', async () => {
    const out = await volley('run', '--demo', '-d', '1s', '-c', '4');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /GET http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(out.stdout, /200\s+[\d,]+\s+100\.0%/);
  });
});
