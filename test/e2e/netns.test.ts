import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTargetProcess } from '@volley/target';
import { createHosts, netnsUnavailable } from './netns.js';
import { freePort, start, waitForLine } from './volley.js';

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
