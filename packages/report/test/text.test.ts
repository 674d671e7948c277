import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, duration, millis, renderJson, renderText } from '../src/index.js';
import { resultOf } from './result-of.js';

describe('renderText', () => {
  it('prints counts, statuses, errors with hints and the percentile table', () => {
    const result = resultOf((r) => {
      for (let i = 1; i <= 1000; i++) r.recordResponse(i % 10 === 0 ? 503 : 200, i * 10, 50, 100);
      r.recordError('ECONNRESET', 50);
    });
    const text = renderText(result);
    assert.match(text, /volley 9\.9\.9 {2}GET http:\/\/127\.0\.0\.1:8080\/ {2}4 connections, pooled, 1s/);
    assert.match(text, /1,001 total\s+900 ok\s+100 status >= 400\s+1 errors/, 'a 503 is not ok; a reset is an error');
    assert.match(text, /200\s+900\s+89\.9%/);
    assert.match(text, /503\s+100\s+10\.0%/);
    assert.match(text, /ECONNRESET\s+1\s+connection closed by the other side/);
    assert.match(text, /p50\s+p75\s+p90\s+p99\s+p99\.9\s+p99\.99/);
    // 1000 values from 10 µs to 10 ms: the median is 5 ms (to HdrHistogram's 3 digits).
    assert.match(text, /\n\s+5\.00\s+7\.50\s+9\.01\s+9\.90\s+9\.99\s+10\.0\n/);
    assert.doesNotMatch(text, /agents/, 'one local agent needs no agent table');
  });

  it('says there is nothing to measure when no response arrived', () => {
    const text = renderText(resultOf((r) => r.recordError('ECONNREFUSED', 0)));
    assert.match(text, /latency: no responses/);
    assert.match(text, /ECONNREFUSED\s+1\s+nothing listening/);
    assert.match(text, /0 B sent/);
  });

  it('says in one line when no request succeeded, with the commonest cause', () => {
    const refused = renderText(
      resultOf((r) => {
        for (let i = 0; i < 5; i++) r.recordError('ECONNREFUSED', 0);
        r.recordError('timeout', 0);
      }),
    );
    assert.match(
      refused,
      /\n {2}NO REQUEST SUCCEEDED: all 6 failed, 5 with ECONNREFUSED: nothing listening at the target\n/,
    );
    assert.match(refused, /throughput\s+0\.0 req\/s/, 'no responses, no throughput');
    const unavailable = renderText(resultOf((r) => r.recordResponse(503, 100, 1, 1)));
    assert.match(unavailable, /NO REQUEST SUCCEEDED: all 1 failed, 1 with status 503\n/);
    assert.doesNotMatch(renderText(resultOf((r) => r.recordResponse(200, 100, 1, 1))), /SUCCEEDED/);
  });

  it('keeps the code of an unlisted error, and says what EMFILE means', () => {
    const text = renderText(
      resultOf((r) => {
        r.recordResponse(200, 100, 1, 1);
        r.recordError('other:UND_ERR_INVALID_ARG', 0);
        r.recordError('EMFILE', 0);
      }),
    );
    assert.match(text, /other \(UND_ERR_INVALID_ARG\)\s+1\n/);
    assert.match(text, /EMFILE\s+1\s+too many open files .*ulimit -n/);
  });

  it('marks a stopped run', () => {
    const text = renderText(resultOf((r) => r.recordResponse(200, 100, 1, 1), {}, { aborted: true }));
    assert.match(text, /run stopped early/);
  });

  it('renders JSON with the field names of the design', () => {
    const doc = JSON.parse(renderJson(resultOf((r) => r.recordResponse(200, 1500, 1, 1))));
    for (const key of ['schema', 'tool', 'plan', 'startedAt', 'endedAt', 'durationMs', 'requests', 'throughput']) {
      assert.ok(key in doc, key);
    }
    assert.deepEqual(Object.keys(doc.requests), ['total', 'ok', 'errors', 'byStatus', 'byError']);
    assert.equal(doc.latency.p99_9, 1.5);
  });
});

describe('formatting', () => {
  const cases: Array<[string, string, string]> = [
    [millis(0.1234), '0.123', 'below 1 ms: three decimals'],
    [millis(12.345), '12.3', 'tens: one decimal'],
    [millis(1234.5), '1,235', 'hundreds and up: whole, grouped'],
    [bytes(0), '0 B', 'zero'],
    [bytes(1500), '1.5 kB', 'SI units'],
    [duration(999.7), '1s', 'rounds up into seconds'],
    [duration(250), '250ms', 'below a second'],
    [duration(90_000), '1m30s', 'minutes'],
  ];
  for (const [got, want, why] of cases) it(`${why}: ${want}`, () => assert.equal(got, want));
});
