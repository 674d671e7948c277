import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN, type Exit, freePort } from './bin.js';

/** `volley ...args` with no VOLLEY_TOKEN in its environment; SIGINT once `until` shows on stderr, if given. */
function controller(args: string[], until?: RegExp): Promise<Exit> {
  const env = { ...process.env };
  delete env.VOLLEY_TOKEN;
  const child = spawn(process.execPath, [BIN, 'controller', 'http://127.0.0.1:9/', '-n', '10', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    if (until?.test(stderr)) child.kill('SIGINT');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
}

function assertOneLine(out: Exit, pattern: RegExp): void {
  assert.equal(out.code, 2, out.stderr);
  assert.equal(out.stderr.trimEnd().split('\n').length, 1, out.stderr);
  assert.match(out.stderr, pattern);
}

describe('volley controller: the token', () => {
  it('refuses to listen beyond loopback without a token, in one line with exit 2', async () => {
    const port = await freePort();
    assertOneLine(await controller(['--listen', `0.0.0.0:${port}`]), /without --token .*--insecure-no-token/);
  });

  it('refuses an empty --token, even on loopback', async () => {
    const port = await freePort();
    assertOneLine(await controller(['--listen', `127.0.0.1:${port}`, '--token=']), /--token is empty/);
  });

  it('listens beyond loopback without a token only with --insecure-no-token, and warns', async () => {
    const port = await freePort();
    const out = await controller(['--listen', `0.0.0.0:${port}`, '--insecure-no-token'], /listening on/);
    assert.match(out.stderr, /WARNING: --insecure-no-token/);
    assert.match(out.stderr, /listening on ws:\/\//);
  });

  it('listens on loopback without a token', async () => {
    const port = await freePort();
    const out = await controller(['--listen', `127.0.0.1:${port}`], /listening on/);
    assert.match(out.stderr, /listening on ws:\/\//);
    assert.doesNotMatch(out.stderr, /WARNING/);
  });
});
