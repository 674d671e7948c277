import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentHealth, type GeneratorHealth, Recorder, type Result, RunAggregate } from '@volley/metrics';
import type { HtmlView } from '../src/html-view.js';
import { renderHtml, renderJson, renderText, saturationWarnings } from '../src/index.js';
import { resultOf } from './result-of.js';

const quiet: GeneratorHealth = {
  lagP99Ms: 0.8,
  lagMaxMs: 4,
  cpu: 0.3,
  processCpu: 0.35,
  threads: 1,
  cpuSource: 'loop',
};
const busy: GeneratorHealth = { lagP99Ms: 120, lagMaxMs: 140, cpu: 0.99, processCpu: 1, threads: 1, cpuSource: 'loop' };

/** Two agents through a real aggregate: `calm` always quiet, `hot` busy in `hotIntervals` of ten. */
function twoAgents(hotIntervals: number): Result['agents'] {
  const agg = new RunAggregate();
  agg.join({ id: 'c', name: 'calm', host: 'h1' });
  agg.join({ id: 'h', name: 'hot', host: 'h2' });
  for (let seq = 0; seq < 10; seq++) {
    for (const [id, health] of [
      ['c', quiet],
      ['h', seq < hotIntervals ? busy : quiet],
    ] as const) {
      const rec = new Recorder();
      rec.recordResponse(200, 1000, 1, 1);
      agg.add(id, { ...rec.snapshot(seq, seq * 1000, (seq + 1) * 1000), health });
    }
  }
  return agg.merge().agents;
}

const WARNING = "agent hot was the bottleneck: its figures may understate the server's capacity";

function viewOf(html: string): HtmlView {
  const match = /<script type="application\/json" id="volley-view">(.*?)<\/script>/s.exec(html);
  assert.ok(match);
  return JSON.parse(match[1] as string) as HtmlView;
}

describe('generator health in the reports', () => {
  it('names the saturated agent in one line of the text report, and shows every agent’s health', () => {
    const result = resultOf(() => {}, {}, { agents: twoAgents(2) });
    const text = renderText(result);
    assert.equal(text.split('\n').filter((l) => l.includes('was the bottleneck')).length, 1);
    assert.match(text, new RegExp(`WARNING: ${WARNING}`));
    assert.match(text, /generator health/);
    assert.match(text, /calm\s+30%\s+30%\s+0\.35 cores\s+0\.800 ms\s+4\.00 ms\s+0%/);
    assert.match(text, /hot\s+.*120 ms\s+140 ms\s+20%\s+BOTTLENECK/);
  });

  it('warns of nothing when every agent had room, or saturation lasted a tenth of the run or less', () => {
    for (const hot of [0, 1]) {
      const result = resultOf(() => {}, {}, { agents: twoAgents(hot) });
      assert.deepEqual(saturationWarnings(result), []);
      assert.doesNotMatch(renderText(result), /bottleneck/i);
      assert.deepEqual(viewOf(renderHtml(result)).warnings, []);
    }
  });

  it('keeps it per agent in the JSON, under agents[].health', () => {
    const json = JSON.parse(renderJson(resultOf(() => {}, {}, { agents: twoAgents(2) })));
    const hot = json.agents.find((a: { name: string }) => a.name === 'hot').health as AgentHealth;
    assert.equal(hot.saturated, true);
    assert.equal(hot.saturatedShare, 0.2);
    assert.equal(hot.lagP99Ms, 120);
    assert.equal(hot.cpuSource, 'loop');
    assert.equal(json.agents.find((a: { name: string }) => a.name === 'calm').health.saturated, false);
  });

  it('shows the warning and a health table in the HTML report', () => {
    const view = viewOf(renderHtml(resultOf(() => {}, {}, { agents: twoAgents(3) })));
    assert.deepEqual(view.warnings, [WARNING]);
    const table = view.tables.find((t) => t.id === 'health');
    assert.deepEqual(
      table?.rows.map((r) => [r[0], r[6], r[7]]),
      [
        ['calm', '0%', ''],
        ['hot', '30%', 'BOTTLENECK'],
      ],
    );
    assert.match(table?.note ?? '', /event-loop utilisation/);
  });

  it('a result from an agent that reported no health has no health table and no warning', () => {
    const result = resultOf((r) => r.recordResponse(200, 1000, 1, 1));
    assert.doesNotMatch(renderText(result), /generator health/);
    const view = viewOf(renderHtml(result));
    assert.equal(
      view.tables.some((t) => t.id === 'health'),
      false,
    );
  });
});
