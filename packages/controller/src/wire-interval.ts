import type { IntervalData } from '@volley/metrics';
import type { Interval } from '@volley/protocol';

/** An interval as it came off the wire, in the form the aggregate merges. */
export function intervalFromWire(wire: Interval): IntervalData {
  const byStatus: Record<string, number> = {};
  for (const s of wire.statuses) {
    const key = String(s.status ?? 0);
    byStatus[key] = (byStatus[key] ?? 0) + (s.count ?? 0);
  }
  const byError: Record<string, number> = {};
  for (const e of wire.errors) {
    const key = e.kind || 'other';
    byError[key] = (byError[key] ?? 0) + (e.count ?? 0);
  }
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
  };
}
