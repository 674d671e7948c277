// The open-model peers' one schedule (socket-open-loop.mjs, undici-open-loop.mjs): request n is due at n / rate
// seconds after the start; whatever is due goes out at once on a free unit (a socket, a client), late if more than
// 10 ms after it was due, and when nothing is due one timer waits for the next. No objects per request.

const LATE_AFTER_MS = 10;

/**
 * A schedule over `units` (each free at the start) for `seconds` at `rate`; `send(unit)` sends one request on it
 * and the caller hands the unit back with `release(unit)` when its response is whole. `done()` ends it and counts.
 */
export function openSchedule({ units, rate, seconds, send }) {
  const intervalMs = 1000 / rate;
  const total = Math.floor(seconds * rate);
  const sent = new Array(Math.ceil(seconds)).fill(0);
  const late = new Array(Math.ceil(seconds)).fill(0);
  const free = [...units];
  let begun = 0;
  let responses = 0;
  let errors = 0;
  let timer;
  let running = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();

  function pump() {
    timer = undefined;
    const now = performance.now() - t0;
    while (running && begun < total) {
      const due = begun * intervalMs;
      if (due > now) {
        timer = setTimeout(pump, due - now);
        return;
      }
      const unit = free.pop();
      if (unit === undefined) return; // the next response pumps again
      const second = Math.floor(due / 1000);
      sent[second]++;
      if (now - due > LATE_AFTER_MS) late[second]++;
      begun++;
      send(unit);
    }
  }

  /** A unit is free again: with sends waiting for one (no timer armed), they go now. */
  function back(unit) {
    free.push(unit);
    if (timer === undefined) pump();
  }

  pump();
  return {
    release(unit) {
      responses++;
      back(unit);
    },
    /** A request that ended without a response: its unit is free again, and the error counted. */
    failed(unit) {
      errors++;
      back(unit);
    },
    /** Sends what was due and has a free unit (late), as Volley's open model does at its deadline, then stops. */
    done() {
      clearTimeout(timer);
      pump();
      running = false;
      clearTimeout(timer);
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      // Dropped: due by now (a timer may fire a hair before the end) and never sent, every unit being busy.
      const due = Math.min(total, Math.floor(elapsedMs / intervalMs) + 1);
      return {
        requests: responses,
        errors,
        seconds: elapsedMs / 1000,
        cpuUs: (cpu.user + cpu.system) / Math.max(1, responses),
        sent,
        late,
        dropped: Math.max(0, due - begun),
      };
    },
  };
}
