import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { freePort, start, stopAll, type VolleyProcess, waitForLine } from './volley.js';

afterEach(stopAll);

const TOKEN = 'e2e-health';
const BUSY = fileURLToPath(new URL('../fixtures/busy/busy-loop.mjs', import.meta.url));
const WARNING = /agent (\S+) was the bottleneck: its figures may understate the server's capacity/g;

async function controller(args: string[]): Promise<{ proc: VolleyProcess; url: string }> {
  const port = await freePort();
  const proc = start(['controller', ...args, '--listen', `127.0.0.1:${port}`], { env: { VOLLEY_TOKEN: TOKEN } });
  await waitForLine(proc, /listening on ws:\/\//);
  return { proc, url: `ws://127.0.0.1:${port}` };
}

/** An agent process; a `busy` one has its main thread kept on the CPU by a preloaded loop. */
function agent(url: string, name: string, busy: boolean): VolleyProcess {
  const env: Record<string, string> = { VOLLEY_TOKEN: TOKEN };
  if (busy) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${BUSY}`.trim();
  return start(['agent', '--connect', url, '--name', name, '--once'], { env });
}

interface AgentOut {
  name: string;
  health?: { saturated: boolean; saturatedShare: number; cpuMax: number; lagP99Ms: number; intervals: number };
}

describe('generator health: real agent processes, one of them saturated', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess({});
    dir = await mkdtemp(join(tmpdir(), 'volley-health-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs the two agents. `contended` tells whether this idle test process's own event loop ran more than 50 ms
   * late meanwhile: then the machine itself had no CPU to give (other jobs on a shared machine), every agent on it
   * lagged too, and a warning about a quiet agent would be true of the machine rather than a fault of ours.
   */
  async function run(busy: { calm: boolean; hot: boolean }, file: string) {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const out = join(dir, file);
    const ctl = await controller([target.url, '--agents', '2', '-R', '100', '-d', '3s', '-o', out]);
    const agents = [agent(ctl.url, 'calm', busy.calm), agent(ctl.url, 'hot', busy.hot)];
    const exit = await ctl.proc.exited;
    await Promise.all(agents.map((a) => a.exited));
    lag.disable();
    assert.equal(exit.code, 0, exit.stderr);
    const result = JSON.parse(await readFile(out, 'utf8')) as { agents: AgentOut[] };
    const contended = lag.percentile(99) / 1e6 - 10 > 50;
    return { text: exit.stdout, agents: result.agents, contended };
  }

  it('the busy agent is named the bottleneck in one line; the quiet one is not', async (t) => {
    const { text, agents, contended } = await run({ calm: false, hot: true }, 'saturated.json');
    const named = [...text.matchAll(WARNING)].map((m) => m[1]);
    assert.ok(named.includes('hot'), text);
    assert.equal(named.filter((n) => n === 'hot').length, 1, 'one line for it');
    const hot = agents.find((a) => a.name === 'hot')?.health;
    const calm = agents.find((a) => a.name === 'calm')?.health;
    assert.ok(hot && calm, 'both agents reported their health');
    assert.equal(hot.saturated, true);
    assert.ok(hot.saturatedShare > 0.1, `saturated ${hot.saturatedShare}`);
    assert.ok(hot.lagP99Ms > 50 || hot.cpuMax > 0.9, `lag ${hot.lagP99Ms} ms, cpu ${hot.cpuMax}`);
    assert.ok(calm.intervals >= 3);
    assert.match(text, /generator health/);
    if (contended) {
      t.skip('this machine was too busy for the quiet agent to stay quiet: only the busy one was checked');
      return;
    }
    assert.deepEqual(named, ['hot'], text);
    assert.equal(calm.saturated, false, JSON.stringify(calm));
  });

  it('a quiet run warns of nothing, and still reports each agent’s health', async (t) => {
    const { text, agents, contended } = await run({ calm: false, hot: false }, 'quiet.json');
    for (const a of agents) assert.ok(a.health && a.health.intervals >= 3, `${a.name} reported its health`);
    if (contended) {
      t.skip('this machine was too busy for a quiet run to stay quiet (the test process itself lagged > 50 ms)');
      return;
    }
    assert.doesNotMatch(text, /bottleneck/);
    for (const a of agents) {
      assert.equal(a.health?.saturated, false, `${a.name}: ${JSON.stringify(a.health)}`);
      assert.ok((a.health?.cpuMax ?? 1) < 0.9, `${a.name}: ${JSON.stringify(a.health)}`);
    }
  });
});
