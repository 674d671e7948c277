import type { IntervalData } from '@volley/metrics';
import type { Interval } from '@volley/protocol';

/** An interval as it came off the wire, in the form the aggregate merges. */
export function intervalFromWire(wire: Interval): IntervalData {
  const { byStatus, byError } = countsFromWire(wire.statuses, wire.errors);
  return {
    seq: wire.seq,
    startMs: wire.startMs,
    endMs: wire.endMs,
    histogram: wire.histogram,
    byStatus,
    byError,
    bytesSent: wire.bytesSent,
    bytesReceived: wire.bytesReceived,
    serviceHistogram: wire.serviceHistogram.byteLength > 0 ? wire.serviceHistogram : undefined,
    late: wire.late,
    dropped: wire.dropped,
    endpoints:
      wire.endpoints.length > 0
        ? wire.endpoints.map((e) => ({
            name: e.name ?? '',
            histogram: e.histogram ?? new Uint8Array(0),
            ...countsFromWire(e.statuses ?? [], e.errors ?? []),
          }))
        : undefined,
  };
}

function countsFromWire(
  statuses: Array<{ status?: number | null; count?: number | null }>,
  errors: Array<{ kind?: string | null; count?: number | null }>,
) {
  const byStatus: Record<string, number> = {};
  for (const s of statuses) {
    const key = String(s.status ?? 0);
    byStatus[key] = (byStatus[key] ?? 0) + (s.count ?? 0);
  }
  const byError: Record<string, number> = {};
  for (const e of errors) {
    const key = e.kind || 'other';
    byError[key] = (byError[key] ?? 0) + (e.count ?? 0);
  }
  return { byStatus, byError };
}
