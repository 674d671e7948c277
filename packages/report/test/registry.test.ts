import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMAT_NAMES, FORMATS, renderJson, renderText } from '../src/index.js';
import { resultOf } from './result-of.js';

describe('FORMATS', () => {
  const result = resultOf((r) => {
    for (let i = 1; i <= 100; i++) r.recordResponse(200, i * 100, 50, 100);
  });

  it('lists text, json, csv, hgrm, hlog and html, text first (the default)', () => {
    assert.deepEqual(FORMAT_NAMES, ['text', 'json', 'csv', 'hgrm', 'hlog', 'html']);
  });

  it('names each format after its key and gives it a one-line summary for --help', () => {
    for (const [key, format] of Object.entries(FORMATS)) {
      assert.equal(format.name, key);
      assert.ok(format.summary.length > 0 && !format.summary.includes('\n'), key);
    }
  });

  it('renders one result in every format, each ending with a newline', () => {
    for (const name of FORMAT_NAMES) {
      const out = FORMATS[name].render(result);
      assert.ok(out.length > 0 && out.endsWith('\n'), name);
    }
  });

  it('renders text and json exactly as renderText and renderJson do', () => {
    assert.equal(FORMATS.text.render(result), renderText(result));
    assert.equal(FORMATS.json.render(result), renderJson(result));
  });

  it('csv: the header, then one row per interval with the interval counts', () => {
    const [header, ...rows] = FORMATS.csv.render(result).trimEnd().split('\n');
    assert.equal(header, 't,requests,errors,rps,p50,p90,p99,max');
    assert.equal(rows.length, result.intervals.length);
    assert.equal(rows[0]?.split(',')[1], '100');
  });
});
