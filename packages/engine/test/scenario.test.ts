import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeHistogram, type IntervalData, sumCounts } from '@volley/metrics';
import { type Endpoint, resolvePlan } from '@volley/plan';
import { RequestMix, type RequestTemplate, startRun } from '../src/index.js';

const endpoint = (name: string, weight: number, extra: Partial<Endpoint> = {}): Endpoint => ({
  name,
  method: 'GET',
  path: `/${name}`,
  headers: [],
  body: null,
  weight,
  ...extra,
});

describe('RequestMix: smooth weighted round-robin', () => {
  const templates = (n: number) => Array.from({ length: n }, (_, i) => ({ endpoint: i }) as unknown as RequestTemplate);

  it('interleaves by weight and is exact over every cycle', () => {
    const mix = new RequestMix(templates(2), [3, 1]);
    const picks = Array.from({ length: 8 }, () => mix.next().endpoint);
    assert.deepEqual(picks, [0, 0, 1, 0, 0, 0, 1, 0]);
  });

  it('keeps each count within one of its share, fractional weights included', () => {
    const weights = [0.5, 1.5, 3, 0.25];
    const sum = weights.reduce((a, b) => a + b, 0);
    const mix = new RequestMix(templates(4), weights);
    const counts = [0, 0, 0, 0];
    for (let n = 1; n <= 10_000; n++) {
      const picked = mix.next().endpoint;
      counts[picked] = (counts[picked] ?? 0) + 1;
      for (let i = 0; i < 4; i++) {
        const share = (n * (weights[i] as number)) / sum;
        assert.ok(Math.abs((counts[i] as number) - share) < 1.0001, `after ${n}: ${counts} vs share ${share}`);
      }
    }
  });
});

describe('a scenario against a real server', () => {
  const seen: Record<string, number> = {};
  const bodies: Record<string, string> = {};
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    seen[key] = (seen[key] ?? 0) + 1;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies[key] = `${req.headers['x-run']}|${req.headers['x-only-b'] ?? ''}|${body}`;
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('ok');
    });
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  it('sends each request by its weight, with its own method, headers and body, and counts each by name', async () => {
    const plan = resolvePlan({
      url,
      headers: [['x-run', 'r1']],
      requests: 6000,
      connections: 8,
      endpoints: [
        endpoint('a', 3),
        endpoint('b', 2, { method: 'post', headers: [['x-only-b', 'yes']], body: Buffer.from('{"b":1}') }),
        endpoint('missing', 1),
      ],
    });
    const intervals: IntervalData[] = [];
    await startRun(plan, (i) => intervals.push(i)).done;
    assert.deepEqual(seen, { 'GET /a': 3000, 'POST /b': 2000, 'GET /missing': 1000 });
    assert.equal(bodies['POST /b'], 'r1|yes|{"b":1}');
    assert.equal(bodies['GET /a'], 'r1||');

    const perName: Record<string, { responses: number; histogram: number; statuses: Record<string, number> }> = {};
    for (const i of intervals) {
      assert.equal(i.endpoints?.length, 3, 'every interval carries every named request');
      for (const e of i.endpoints ?? []) {
        const p = perName[e.name] ?? { responses: 0, histogram: 0, statuses: {} };
        perName[e.name] = p;
        p.responses += sumCounts(e.byStatus) + sumCounts(e.byError);
        p.histogram += decodeHistogram(e.histogram).totalCount;
        for (const [k, n] of Object.entries(e.byStatus)) p.statuses[k] = (p.statuses[k] ?? 0) + n;
      }
    }
    assert.deepEqual(Object.fromEntries(Object.entries(perName).map(([k, v]) => [k, [v.responses, v.histogram]])), {
      a: [3000, 3000],
      b: [2000, 2000],
      missing: [1000, 1000],
    });
    assert.deepEqual(perName.missing?.statuses, { '404': 1000 });
  });

  it('refuses duplicate names, bad weights and relative paths', () => {
    assert.throws(
      () => resolvePlan({ url, endpoints: [endpoint('a', 1), endpoint('a', 2)] }),
      /two requests are named "a"/,
    );
    assert.throws(() => resolvePlan({ url, endpoints: [endpoint('a', 0)] }), /weight must be a number above 0/);
    assert.throws(() => resolvePlan({ url, endpoints: [endpoint('a', 1, { path: 'x' })] }), /path must start with \//);
  });
});
