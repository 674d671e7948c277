import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { warmUpIntake } from '../src/intake-warm-up.js';

describe('warmUpIntake', () => {
  it('takes its reports the whole way a real one goes: merged, none dropped by the checks', async () => {
    const outcome = await new Promise<{ requests: number; dropped: number }>((resolve) => warmUpIntake(400, resolve));
    // 2,000 responses a report: a report the intake dropped (bad times, a refused histogram) would not count.
    assert.deepEqual(outcome, { requests: 400 * 2000, dropped: 0 });
  });

  it('yields to the event loop while it runs, rather than holding it for all its reports', async () => {
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    await new Promise((resolve) => warmUpIntake(4000, resolve));
    clearInterval(ticking);
    assert.ok(turns > 1, `timers ran ${turns} times during the warm-up`);
  });
});
