import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

// `volley run` in a real terminal: tmux (Debian's, installed by .ci/install-tmux) at a given size, its screen read
// back while the run goes. What a person at a terminal sees: no JSON on the progress line, no wrapped or stale
// progress rows, failures visible.
const BIN = join(dirname(createRequire(import.meta.url).resolve('@volley/cli/package.json')), 'bin', 'run.js');
const SOCKET = `volley-test-${process.pid}`;
const ci = !['', '0', 'false'].includes(process.env.CI ?? '');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const missing = hasTmux ? undefined : 'no tmux: run .ci/install-tmux as root (apt-get install tmux)';

// In CI a missing tmux is a failure, not a quiet skip: the terminal would go untested.
if (missing && ci) it('needs tmux to test the terminal', () => assert.fail(missing));

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

/**
 * The screen of a session: rows as shown (`colour` keeps the colour codes), or with `joined` the lines a wrap
 * split over rows put back together (so a line longer than the terminal shows as one).
 */
const screen = (session: string, colour = false, joined = false): string[] =>
  tmux('capture-pane', '-p', ...(colour ? ['-e'] : []), ...(joined ? ['-J'] : []), '-t', session)
    .replace(/\n+$/, '')
    .split('\n');

/** Polls the screen until `done` holds (bounded: the run itself lasts seconds), and returns that screen. */
async function waitFor(session: string, done: (rows: string[]) => boolean, what: string): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    const rows = screen(session);
    if (done(rows)) return rows;
    await sleep(100);
  }
  assert.fail(`${what}; the screen:\n${screen(session).join('\n')}`);
}

const PROGRESS = /^\d+s\/\d+s {2}/;

describe('the progress line in a real terminal', { skip: missing }, () => {
  let server: Server;
  let url: string;
  let answered = 0;
  before(async () => {
    // Every answer a 503: the run "works", and only the statuses say it failed.
    server = createServer((_req, res) => {
      answered++;
      res.statusCode = 503;
      res.end('unavailable');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  for (const columns of [60, 200]) {
    it(`at ${columns} columns: one progress row, fitted, no JSON on it, failures in red, logs above it`, async () => {
      const session = `w${columns}`;
      // --log-level info: log lines arrive while the progress line is drawn. The shell stays after the run, so
      // the screen can be read at the end; the session is killed after.
      const command = `${process.execPath} ${BIN} run ${url} -d 3s -c 2 --log-level info; sleep 60`;
      tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', '50', '-e', 'NO_COLOR=', command);
      try {
        const during = await waitFor(session, (rows) => rows.some((r) => PROGRESS.test(r)), 'no progress line');
        const progressRows = during.filter((r) => PROGRESS.test(r) || /req\/s/.test(r));
        assert.equal(progressRows.length, 1, `one progress row:\n${during.join('\n')}`);
        const line = progressRows[0] as string;
        const unwrapped = screen(session, false, true).filter((r) => PROGRESS.test(r));
        assert.ok(
          unwrapped.every((r) => r.length <= columns - 1),
          `fitted to ${columns}, not wrapped: ${JSON.stringify(unwrapped)}`,
        );
        assert.doesNotMatch(line, /[{}"]|level/, 'no log on the progress line');
        assert.match(line, /status>=400 [\d,]+/, 'the 503s are visible');
        if (columns >= 200) assert.match(line, /p50 .* ms {2}errors 0 {2}status>=400 [\d,]+ {2}agents 1$/);
        assert.ok(
          screen(session, true).some((r) => r.includes('\x1b[31mstatus>=400')),
          'the failures are red on a terminal',
        );
        assert.ok(!during.some((r) => r.includes('{"level"')), `logs are pretty on a terminal:\n${during.join('\n')}`);
        assert.ok(
          during.some((r) => / INFO agent local: /.test(r)),
          `the agent's log lines:\n${during.join('\n')}`,
        );

        const end = await waitFor(session, (rows) => rows.some((r) => /NO REQUEST SUCCEEDED/.test(r)), 'no report');
        assert.equal(end.filter((r) => PROGRESS.test(r)).length, 0, `no stale progress rows:\n${end.join('\n')}`);
        assert.ok(answered > 0);
      } finally {
        tmux('kill-session', '-t', session);
      }
    });
  }
});
