import { BucketArena, readEncodedHistogram } from './encoded-histogram.js';
import type { Histogram } from './histogram.js';

/**
 * Checked reports waiting to be added into their agent's total: about one interval of 4,000 agents. Past this
 * they are added at once, so a slow agent holding intervals open keeps at most this many frames' bytes alive.
 */
export const MAX_DEFERRED_ADDS = 4096;
/** Adds made per turn of the event loop, so frames that arrive meanwhile wait for a slice, not for all of them. */
const SLICE = 256;

/**
 * Histogram adds that can wait: encoded histograms already read and checked once (the merger refused any that
 * did not decode), to be added into a target later, off the path that a merged interval waits on. Whoever reads a
 * target calls `settle()` first, so nothing reads a total short of a report it accepted. The bytes are copied,
 * so the caller may reuse its buffer.
 */
export class DeferredAdds {
  private readonly waiting: Array<{ into: Histogram; bytes: Uint8Array }> = [];
  /** Entries before this one were added already. */
  private done = 0;
  private scheduled = false;
  private readonly arena = new BucketArena();

  /** Adds made so far short of what was deferred. */
  get pending(): number {
    return this.waiting.length - this.done;
  }

  /** `bytes` (checked already) go into `into` later; at once when too many wait. */
  defer(into: Histogram, bytes: Uint8Array): void {
    // A copy: bytes off the wire are a view of the socket's read buffer (64 KiB each, one per connection), which
    // a kept view would keep alive: 2,000 of them were 130 MiB.
    this.waiting.push({ into, bytes: new Uint8Array(bytes) });
    if (this.pending > MAX_DEFERRED_ADDS) this.settle();
  }

  /** Makes the first `limit` waiting adds (all by default), oldest first. */
  settle(limit = Number.POSITIVE_INFINITY): void {
    const end = Math.min(this.waiting.length, this.done + limit);
    for (; this.done < end; this.done++) {
      const { into, bytes } = this.waiting[this.done] as { into: Histogram; bytes: Uint8Array };
      this.arena.reset();
      readEncodedHistogram(bytes, this.arena).addTo([into]);
    }
    if (this.done === this.waiting.length) {
      this.waiting.length = 0;
      this.done = 0;
    }
  }

  /** Settles a slice per turn of the event loop until none waits (one such chain at a time). */
  settleSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const step = (): void => {
      this.settle(SLICE);
      if (this.pending > 0) setImmediate(step);
      else this.scheduled = false;
    };
    setImmediate(step);
  }
}
