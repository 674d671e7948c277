import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { startTargetProcess } from '@volley/target';
import { createHosts, netnsUnavailable } from './netns.js';
import { freePort, start, stopAll, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const TOKEN = 'netns-secret';
const skip = netnsUnavailable();
if (skip) console.log(`# skipping the network-namespace test: ${skip}`);

describe('agents on separate hosts (network namespaces)', { skip }, () => {
  it('two agents in their own namespaces join a controller across the bridge and report their addresses', async () => {
    const net = createHosts(2);
    const target = await startTargetProcess({ host: net.gateway });
    try {
      const before = await target.stats();
      const port = await freePort();
      const ctl = start(
        ['controller', target.url, '--listen', `${net.gateway}:${port}`, '--agents', '2', '-n', '8000', '-c', '4'],
        { env: { VOLLEY_TOKEN: TOKEN } },
      );
      await waitForLine(ctl, /listening on ws:\/\//);
      const agents = net.hosts.map((h, i) =>
        start(['agent', '--connect', `ws://${net.gateway}:${port}`, '--name', `host${i}`, '--once'], {
          env: { VOLLEY_TOKEN: TOKEN },
          netns: h.ns,
        }),
      );
      const out = await ctl.exited;
      await Promise.all(agents.map((a) => a.exited));
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /8,000 total/);
      for (const h of net.hosts) assert.match(out.stdout, new RegExp(`${h.address.replaceAll('.', '\\.')}\\s+4,000`));
      assert.equal((await target.stats()).requests - before.requests, 8000);
    } finally {
      await target.close();
      net.close();
    }
  });
});

describe('per-request connections run out of local ports (a namespace with 40 of them)', { skip }, () => {
  it('counts EADDRNOTAVAIL as its own error kind and says what it means and what to do', async () => {
    const net = createHosts(1);
    const ns = net.hosts[0]?.ns as string;
    const dir = await mkdtemp(join(tmpdir(), 'volley-ports-'));
    try {
      // Only this namespace is narrowed; TIME_WAIT reuse off, so closed sockets keep their ports (Linux default
      // reuses them on loopback after a second, which would hide the problem in a short test).
      const sysctl = (setting: string) => execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', setting]);
      sysctl('net.ipv4.ip_local_port_range=40000 40039');
      sysctl('net.ipv4.tcp_tw_reuse=0');
      const file = join(dir, 'result.json');
      const run = start(['run', '--demo', '--client', 'per-request', '-n', '300', '-c', '2', '-o', file], {
        netns: ns,
      });
      const out = await run.exited;
      assert.equal(out.code, 0, `a run that meets errors still completes: ${out.stderr}`);
      const result = JSON.parse(await readFile(file, 'utf8'));
      const refused = result.requests.byError.EADDRNOTAVAIL ?? 0;
      const ok = result.requests.byStatus['200'] ?? 0;
      assert.ok(refused > 200, `most requests found no free local port: ${JSON.stringify(result.requests)}`);
      assert.ok(ok > 0 && ok <= 40, `${ok} requests got a port before they ran out`);
      assert.equal(refused + ok, 300);
      assert.match(out.stdout, /EADDRNOTAVAIL\s+[\d,]+\s+out of local ports/);
      assert.match(out.stdout, /--client pooled/);
    } finally {
      net.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
