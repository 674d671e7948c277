import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

describe('npm run bench -- --quick', () => {
  it('runs every benchmark once, briefly, and prints each goal beside its peers', async () => {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BENCH, '--quick'], { timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /req\/s volley\/autocannon = [\d.]+/);
    assert.match(out.stdout, /req\/s volley\/undici dispatch = [\d.]+/);
    assert.match(out.stdout, /req\/s volley\/Node parser = [\d.]+/);
    assert.match(out.stdout, /req\/s volley\/net\.Socket = [\d.]+/);
    assert.match(out.stdout, /volley\/undici = [\d.]+ .*undici\/net\.Socket = [\d.]+/);
    assert.match(out.stdout, /highest fraction held, median of rounds: [\d.]+ x closed/);
    assert.match(out.stdout, /Node floor, highest fraction held: [\d.]+ x its closed loop/);
    assert.match(out.stdout, /undici floor, highest fraction held: [\d.]+ x its closed loop/);
    assert.match(out.stdout, /requests\s+warm-up ms/);
    assert.match(out.stdout, /volley run URL -n 1\s+\d+ ms/);
    assert.match(out.stdout, /controller RSS \d+ MiB after the first interval/);
    assert.match(out.stdout, /--workers scaling: \d+ cores/);
    assert.match(out.stdout, /volley run --help\s+\d+ ms/);
    assert.match(out.stdout, /volley\/bare = [\d.]+/);
    assert.match(out.stdout, /--workers 1: [\d,]+ req\/s/);
    assert.match(out.stdout, /--workers 2: [\d,]+ req\/s/);
    assert.match(out.stdout, /merged 100,000 requests \(expected 100,000\)/);
    assert.match(out.stdout, /agent RSS \d+ MiB at 3 s, \d+ MiB at the end \(-?[\d.]+%\)/);
    assert.match(out.stdout, /result file \d+ KiB: \d+ intervals of ~\d+ bytes/);
  });
});
