import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntervalSummary, LiveAgentFigures, MergedInterval } from '@volley/metrics';
import { liveInterval } from '../src/events.js';

const interval = { t: 0, durationMs: 1000, requests: 3, errors: 0, rps: 3 } as IntervalSummary;
const members = [
  { id: 'a', name: 'east', host: 'h1', lost: false, finished: false, ready: true },
  { id: 'b', name: 'west', host: 'h2', lost: true, finished: false, ready: true },
];

describe('the interval event', () => {
  it("asks for the agents' figures only when a listener reads them, and once", () => {
    let asked = 0;
    const figures = (): Map<string, LiveAgentFigures> => {
      asked++;
      return new Map([['a', { requests: 3, errors: 1, p99Ms: 2.5, health: undefined }]]);
    };
    const event = liveInterval(
      interval,
      {} as MergedInterval,
      { requests: 3, errors: 0, elapsedMs: 1000 },
      members,
      figures,
    );
    assert.equal(event.type, 'interval');
    if (event.type !== 'interval') return;
    assert.equal(event.agents, 1);
    assert.equal(asked, 0, 'a progress line alone costs no percentile walk per agent');
    assert.deepEqual(
      event.health.map((a) => [a.name, a.state, a.requests, a.errors, a.p99Ms]),
      [
        ['east', 'ready', 3, 1, 2.5],
        ['west', 'lost', 0, 0, 0],
      ],
    );
    assert.equal(event.health, event.health);
    assert.equal(asked, 1);
  });
});
