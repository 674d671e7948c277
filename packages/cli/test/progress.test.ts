import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IntervalSummary } from '@volley/metrics';
import { startTarget, type Target } from '@volley/target';
import { createCliLogger } from '../src/log-format.js';
import { Progress } from '../src/progress.js';
import { StatusLine, visibleLength } from '../src/status-line.js';
import { volley } from './bin.js';

describe('live progress', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  it('prints one line per interval on stderr when not on a terminal; stdout keeps only the report', async () => {
    const out = await volley('run', target.url, '-d', '3s', '-c', '2', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    JSON.parse(out.stdout);
    const lines = out.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, out.stderr);
    lines.forEach((line, i) => {
      assert.match(
        line,
        new RegExp(`^${i + 1}s/3s  [\\d,]+ req/s \\(avg [\\d,]+\\)  p50 [\\d.]+  p99 [\\d.]+ ms  errors 0  agents 1$`),
      );
    });
  });

  it('prints nothing with --quiet', async () => {
    const out = await volley('run', target.url, '-d', '2s', '-c', '2', '--quiet');
    assert.equal(out.code, 0);
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /requests/);
  });

  it('redraws one line in place on a terminal, and clears it before the report', () => {
    const { out, written } = terminal(200);
    const progress = new Progress(out, { durationMs: 2000, requests: 0 });
    progress.listener({ type: 'interval', interval: interval(), total, agents: 1, ...live });
    progress.listener({
      type: 'interval',
      interval: { ...interval(), t: 1 },
      total: { ...total, elapsedMs: 2000 },
      agents: 1,
      ...live,
    });
    progress.line('volley: agent a LOST: gone');
    progress.clear();
    assert.ok(written[0]?.startsWith('\r\x1b[2K1s/2s  10 req/s'), JSON.stringify(written[0]));
    assert.ok(written[1]?.startsWith('\r\x1b[2K2s/2s'), JSON.stringify(written[1]));
    assert.ok(!written.slice(0, 2).some((w) => w.includes('\n')), 'no newline while redrawing');
    assert.equal(written[2], `\r\x1b[2Kvolley: agent a LOST: gone\n${written[1]?.slice(5)}`, 'cleared, said, redrawn');
    assert.deepEqual(written.slice(3), ['\r\x1b[2K'], 'cleared before the report');
  });

  it('puts a log line above the progress line, never on it, and redraws the line after', () => {
    const { out, written } = terminal(200);
    const progress = new Progress(out, { durationMs: 2000, requests: 0 });
    const log = createCliLogger('info', 'pretty', out, false);
    progress.listener({ type: 'interval', interval: interval(), total, agents: 1, ...live });
    log.warn({ component: 'agent', kind: 'EMFILE' }, 'first EMFILE error');
    const screen = render(written.join(''));
    assert.equal(screen.length, 2, JSON.stringify(screen));
    assert.match(screen[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} WARN agent: first EMFILE error kind=EMFILE$/);
    assert.match(screen[1] ?? '', /^1s\/2s {2}10 req\/s/);
  });

  it('fits the line to a narrow terminal, dropping the least useful parts, and shows failures in red', () => {
    const { out, written } = terminal(60);
    const progress = new Progress(out, { durationMs: 10_000, requests: 0, model: 'open', rate: 500 }, false, {});
    const failing = { ...interval(), requests: 10, errors: 4, failed: 6, late: 2 };
    progress.listener({ type: 'interval', interval: failing, total: { ...total, errors: 4 }, agents: 1, ...live });
    const line = written.at(-1)?.slice(5) ?? '';
    assert.ok(visibleLength(line) <= 59, `${visibleLength(line)}: ${JSON.stringify(line)}`);
    assert.doesNotMatch(line, /agents|asked|p50/, 'the least useful parts went first');
    assert.ok(line.includes('\x1b[31merrors 4\x1b[39m  \x1b[31mstatus>=400 6\x1b[39m'), JSON.stringify(line));
    assert.ok(line.startsWith('1s/10s  10 req/s'), JSON.stringify(line));
    const narrow = terminal(35);
    new Progress(narrow.out, { durationMs: 10_000, requests: 0 }, false, {}).listener({
      type: 'interval',
      interval: failing,
      total: { ...total, errors: 4 },
      agents: 1,
      ...live,
    });
    assert.ok(visibleLength(narrow.written.at(-1)?.slice(5) ?? '') <= 34, 'fitted');
    assert.match(narrow.written.at(-1) ?? '', /errors 4.*status>=400 6/);
    const wide = terminal(200);
    new Progress(wide.out, { durationMs: 10_000, requests: 0, model: 'open', rate: 500 }, false, {
      NO_COLOR: '1',
    }).listener({ type: 'interval', interval: failing, total: { ...total, errors: 4 }, agents: 1, ...live });
    assert.equal(
      wide.written.at(-1),
      '\r\x1b[2K1s/10s  10 req/s (avg 6)  p50 1.00  p99 2.00 ms  asked 500/s  late 2  errors 4  status>=400 6  agents 1',
      'NO_COLOR: no colour codes',
    );
  });

  it('says what the seconds before the first interval are, and shows the connections of a ramp', () => {
    const { out, written } = terminal(200);
    const progress = new Progress(out, { durationMs: 2000, requests: 0, stages: [{ durationMs: 2000, target: 50 }] });
    progress.begin();
    assert.match(written[0] ?? '', /warming up, connecting/);
    progress.listener({ type: 'interval', interval: interval(), total, agents: 1, ...live });
    assert.match(written[1] ?? '', /conns 25 {2}errors 0/);
  });

  it('still says a lost agent with --quiet', () => {
    const { out, written } = terminal(200);
    const progress = new Progress(out, { durationMs: 2000, requests: 0 }, true);
    progress.listener({ type: 'interval', interval: interval(), total, agents: 1, ...live });
    progress.listener({ type: 'lost', name: 'east-1', reason: 'silent for 5s' });
    assert.deepEqual(written, ['volley: agent east-1 LOST: silent for 5s\n']);
  });
});

const total = { requests: 10, errors: 0, elapsedMs: 1000 };
/** What a live view reads of an interval event; progress reads none of it. */
const live = { detail: { byStatus: {}, byError: {}, classes: [], dropped: 0, endpoints: [] }, health: [] };

function interval(): IntervalSummary {
  return { t: 0, durationMs: 1000, requests: 10, errors: 0, rps: 10, p50: 1, p90: 1, p99: 2, max: 3, histogram: '' };
}

/** A fake terminal of `columns`, keeping every write. */
function terminal(columns: number) {
  const written: string[] = [];
  return { written, out: new StatusLine({ isTTY: true, columns, write: (s: string) => written.push(s) }) };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's own controls are what is parsed here.
const CONTROL = /(\r|\n|\x1b\[2K)/;

/** What a terminal shows after these writes: lines, with \r and "erase line" applied (no wrapping modelled). */
function render(text: string): string[] {
  const rows: string[] = [''];
  for (const piece of text.split(CONTROL)) {
    if (piece === '\n') rows.push('');
    else if (piece === '\x1b[2K' || piece === '\r')
      rows[rows.length - 1] = piece === '\r' ? (rows.at(-1) as string) : '';
    else rows[rows.length - 1] += piece;
  }
  return rows.filter((r, i) => r !== '' || i < rows.length - 1);
}
