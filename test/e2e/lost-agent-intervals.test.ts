import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { freePort, sleep, start, stopAll, type VolleyProcess, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const TOKEN = 'e2e-secret';
const env = { VOLLEY_TOKEN: TOKEN };
/** No process of this test may outlive this, whatever happens. */
const PROCESS_LIMIT_MS = 30_000;

interface Interval {
  t: number;
  requests: number;
  errors: number;
}

describe('an agent process killed mid-run: the merged intervals', () => {
  let target: TargetProcess;
  const processes: VolleyProcess[] = [];
  const track = (p: VolleyProcess): VolleyProcess => {
    processes.push(p);
    return p;
  };
  before(async () => {
    target = await startTargetProcess({});
  });
  after(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await target.close();
  });

  it('stay one per second, in order, and add up to the run; the killed agent is lost', {
    timeout: 60_000,
  }, async () => {
    const before = await target.stats();
    const port = await freePort();
    const args = [target.url, '--agents', '3', '-d', '4s', '-c', '6', '--listen', `127.0.0.1:${port}`];
    const ctl = track(start(['controller', ...args, '--format', 'json'], { env, timeoutMs: PROCESS_LIMIT_MS }));
    await waitForLine(ctl, /listening on ws:\/\//);
    const agents = ['l1', 'l2', 'l3'].map((name) =>
      track(
        start(['agent', '--connect', `ws://127.0.0.1:${port}`, '--name', name, '--once'], {
          env,
          timeoutMs: PROCESS_LIMIT_MS,
        }),
      ),
    );
    await waitForLine(ctl, /run started/);
    // About when the agents report interval 1 (Start + 200 ms delay + 2 s): the moment where a lost agent's report
    // used to close an interval before the live agents had sent theirs.
    await sleep(2200);
    agents[1]?.child.kill('SIGKILL');
    const out = await ctl.exited;
    await Promise.all(agents.map((a) => a.exited));
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    const seen = (await target.stats()).requests - before.requests;

    const byName = Object.fromEntries(result.agents.map((a: { name: string }) => [a.name, a]));
    assert.equal(byName.l2.lost, true, 'the killed agent is marked lost');
    assert.equal(byName.l1.lost, false);
    assert.equal(byName.l3.lost, false);
    assert.ok(byName.l2.requests > 0, 'what it reported before it died is kept');
    assert.match(out.stderr, /agent l2 LOST/);

    const intervals: Interval[] = result.intervals;
    const ts = intervals.map((i) => i.t);
    for (let k = 1; k < ts.length; k++) {
      assert.ok((ts[k] as number) > (ts[k - 1] as number), `interval t strictly increases: ${ts.join(', ')}`);
    }
    assert.ok(intervals.length >= 4, `a 4 s run has at least 4 intervals: ${ts.join(', ')}`);

    // Nothing disappears in the merge: intervals, agents and the run count the same requests.
    const total: number = result.requests.total;
    assert.equal(
      intervals.reduce((n, i) => n + i.requests, 0),
      total,
      'the intervals sum to the run',
    );
    assert.equal(
      result.agents.reduce((n: number, a: { requests: number }) => n + a.requests, 0),
      total,
      'the agents sum to the run',
    );
    assert.equal(result.latency.count + result.requests.errors, total, 'one latency per response');

    // The target's own count: the live agents reported every request they sent; the killed one sent some it
    // never reported (its unfinished interval), less than one interval of its share.
    assert.ok(total <= seen, `counted ${total}, the target saw ${seen}`);
    const live = (byName.l1.requests + byName.l3.requests) / 2;
    const perAgentPerSecond = live / (result.durationMs / 1000);
    assert.ok(
      seen - total <= 2 * perAgentPerSecond,
      `${seen - total} requests unaccounted for; one agent sends about ${Math.round(perAgentPerSecond)}/s`,
    );
  });
});
