import { encodeHistogram } from './histogram.js';
import { type EndpointInterval, type IntervalData, sumCounts } from './interval.js';
import type { MergedInterval } from './merged-interval.js';
import type { IntervalSummary } from './result.js';
import { tallyBuckets } from './status-classes.js';
import { summarize } from './summary.js';

/**
 * The wire form of a merged interval, as one engine would have recorded it: an engine's threads send this to
 * the agent's sink. Like the recorder, `late` comes with a service histogram and `dropped` only when non-zero.
 */
export function encodeMergedInterval(m: MergedInterval): IntervalData {
  const data: IntervalData = {
    seq: m.seq,
    startMs: m.startMs,
    endMs: m.endMs,
    histogram: encodeHistogram(m.histogram),
    byStatus: { ...m.byStatus },
    byError: { ...m.byError },
    bytesSent: m.bytesSent,
    bytesReceived: m.bytesReceived,
  };
  if (m.classes.size > 0) data.classBuckets = tallyBuckets(m.classes);
  if (m.service) {
    data.serviceHistogram = encodeHistogram(m.service);
    data.late = m.late;
    if (m.dropped > 0) data.dropped = m.dropped;
  }
  if (m.health) data.health = { ...m.health };
  if (m.endpoints.size > 0) {
    data.endpoints = [...m.endpoints].map(
      ([name, e]): EndpointInterval => ({
        name,
        histogram: encodeHistogram(e.histogram),
        byStatus: { ...e.byStatus },
        byError: { ...e.byError },
        ...(e.classes.size > 0 ? { classBuckets: tallyBuckets(e.classes) } : {}),
        ...(e.checks.size > 0
          ? { checks: [...e.checks].map(([name, t]) => ({ name, passed: t.passed, failed: t.failed })) }
          : {}),
        ...(e.expected > 0 ? { expected: e.expected } : {}),
      }),
    );
  }
  if (m.flow) {
    data.iterations = m.flow.iterations;
    data.iterationHistogram = encodeHistogram(m.flow.histogram);
    data.iterationsStarted = m.flow.started;
    data.expected = m.flow.expected;
  }
  return data;
}

/** Responses with a status of 400 or more. */
function failedStatuses(byStatus: Record<string, number>): number {
  let n = 0;
  for (const status of Object.keys(byStatus)) if (Number(status) >= 400) n += byStatus[status] ?? 0;
  return n;
}

/** The result document's view of a merged interval: t in seconds since the start, percentiles in ms. */
export function summarizeMergedInterval(m: MergedInterval): IntervalSummary {
  const s = summarize(m.histogram);
  const errors = sumCounts(m.byError);
  const requests = sumCounts(m.byStatus) + errors;
  const durationMs = Math.max(0, m.endMs - m.startMs);
  const failed = failedStatuses(m.byStatus);
  return {
    t: m.startMs / 1000,
    durationMs,
    requests,
    errors,
    // Responses per second: a request that failed without one (refused, reset) is not throughput.
    rps: durationMs > 0 ? Math.round(((requests - errors) * 1000 * 10) / durationMs) / 10 : 0,
    p50: s.p50,
    p90: s.p90,
    p99: s.p99,
    max: s.max,
    histogram: s.histogram,
    ...(m.late > 0 ? { late: m.late } : {}),
    ...(m.dropped > 0 ? { dropped: m.dropped } : {}),
    ...(failed > 0 ? { failed } : {}),
  };
}
