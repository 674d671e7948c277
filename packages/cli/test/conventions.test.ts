import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearest } from '../src/suggest.js';
import { volley } from './bin.js';

const VERSION_LINE = /^volley\/\d+\.\d+\.\d+ [a-z0-9]+-[a-z0-9]+ node-v\d+\.\d+\.\d+\n$/;

describe('--version, -h and help, as every peer has them', () => {
  for (const args of [['--version'], ['run', '--version'], ['report', '--version'], ['target', '--version']]) {
    it(`volley ${args.join(' ')} prints the one version line and exits 0`, async () => {
      const out = await volley(...args);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, VERSION_LINE);
      assert.equal(out.stderr, '');
    });
  }

  for (const args of [['-h'], ['help'], ['help', 'run'], ['run', '-h']]) {
    it(`volley ${args.join(' ')} prints help and exits 0`, async () => {
      const out = await volley(...args);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /USAGE/);
      if (args.includes('run')) assert.match(out.stdout, /--connections/);
    });
  }

  it('suggests the nearest command for a misspelt one', async () => {
    const out = await volley('rn');
    assert.equal(out.code, 2);
    assert.equal(out.stderr, 'volley: unknown command "rn" (did you mean "run"?)\n');
  });

  it('names the unknown command alone, with its arguments left out, and help of an unknown command is refused', async () => {
    const dif = await volley('dif', 'a.json', 'b.json');
    assert.equal(dif.code, 2);
    assert.equal(dif.stderr, 'volley: unknown command "dif" (did you mean "diff"?)\n');
    const help = await volley('help', 'fly');
    assert.equal(help.code, 2);
    assert.equal(help.stderr, 'volley: unknown command "fly" (volley --help lists them)\n');
  });

  it('suggests the nearest flag for a misspelt one', async () => {
    const out = await volley('run', 'http://127.0.0.1:9/', '--conections', '3');
    assert.equal(out.code, 2);
    assert.match(out.stderr, /^volley: Nonexistent flag: --conections \(did you mean --connections\?\)\n$/);
  });

  it('suggests nothing when nothing is near', () => {
    assert.equal(nearest('zzzzzz', ['connections', 'rate']), undefined);
    assert.equal(nearest('duraton', ['connections', 'duration']), 'duration');
    assert.equal(nearest('con', ['connections', 'rate']), 'connections');
  });
});

describe('what a run says on stderr', () => {
  it('run --agents 2 prints no internal agent ids', async () => {
    const out = await volley('run', '--demo', '--agents', '2', '-d', '1s', '-c', '2');
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /volley agent [0-9a-f-]{36}/);
    assert.doesNotMatch(out.stderr, /connecting to ws:/);
  });

  it('logs the first error of each kind once, with its message, and says when nothing succeeded', async () => {
    const out = await volley(
      'run',
      'http://127.0.0.1:9/',
      '-n',
      '40',
      '-c',
      '2',
      '-q',
      '--format',
      'json',
      '--log-level',
      'info',
      '--log-format',
      'json',
    );
    assert.equal(out.code, 0, out.stderr);
    const logs = out.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; kind?: string; message?: string });
    const first = logs.filter((l) => l.msg === 'first ECONNREFUSED error');
    assert.equal(first.length, 1, out.stderr);
    assert.match(first[0]?.message ?? '', /ECONNREFUSED 127\.0\.0\.1:9/);
    assert.match(out.stderr, /\nvolley: NO REQUEST SUCCEEDED: all 40 failed, 40 with ECONNREFUSED: nothing listening/);
    assert.equal(JSON.parse(out.stdout).throughput.achieved, 0, 'no responses, no throughput');
  });
});
