import { RESULT_SCHEMA, Recorder, type Result, RunAggregate } from '@volley/metrics';

/**
 * A result built the way the controller builds one: real recorders, merged by a real aggregate. `plan` adds to
 * a closed-model plan (model: 'open' makes the asked rate 1,000/s); `extra` replaces whole fields.
 */
export function resultOf(
  record: (r: Recorder) => void,
  plan: Record<string, unknown> = {},
  extra: Partial<Result> = {},
): Result {
  const agg = new RunAggregate();
  agg.join({ id: 'a', name: 'local', host: 'h' });
  const rec = new Recorder();
  record(rec);
  agg.add('a', rec.snapshot(0, 0, 1000));
  const merged = agg.merge();
  return {
    schema: RESULT_SCHEMA,
    tool: { name: 'volley', version: '9.9.9' },
    plan: { url: 'http://127.0.0.1:8080/', method: 'GET', connections: 4, client: 'pooled', durationMs: 1000, ...plan },
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(1000).toISOString(),
    durationMs: 1000,
    aborted: false,
    requests: merged.requests,
    throughput: {
      target: plan.model === 'open' ? 1000 : null,
      achieved: merged.requests.total - merged.requests.errors,
      late: merged.late,
    },
    latency: merged.latency,
    serviceTime: merged.serviceTime,
    bytes: merged.bytes,
    agents: merged.agents,
    intervals: merged.intervals,
    thresholds: [],
    ...extra,
  };
}
