import { addAccepted } from './accepted-add.js';
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
 * target calls `settle()` first, so nothing reads a total short of a report it accepted. Settling adds them in one
 * pass each (addAccepted), their checks not made again: only bytes the merger has read may be settled. The bytes are copied
 * (the caller may reuse its buffer) into one store, reused: one interval of 2,000 agents is about 9 MiB.
 */
export class DeferredAdds {
  private readonly into: Histogram[] = [];
  /** Entry k's bytes are store[ends[k - 1], ends[k]) (from 0 for the first). */
  private readonly ends: number[] = [];
  /** Every waiting entry's bytes, one after another: one buffer reused, no allocation per report. */
  private store = new Uint8Array(1024 * 1024);
  /** Entries before this one were added already. */
  private done = 0;
  private scheduled = false;

  /** Adds deferred and not made yet. */
  get pending(): number {
    return this.into.length - this.done;
  }

  /**
   * Makes room for `bytes` of waiting reports before they come, its memory written once: the first interval of
   * 2,000 agents grew the store five times and took its pages' first writes, on the path that interval waits on.
   */
  reserve(bytes: number): void {
    // Zero already: written past what waits only to take the pages now.
    if (bytes > this.store.byteLength) this.grow(Math.max(bytes, 2 * this.store.byteLength)).fill(0, this.waitingEnd());
  }

  /** `bytes` go into `into` later: bytes the merger accepted, as settling does not check them again. */
  defer(into: Histogram, bytes: Uint8Array): void {
    // Copied: bytes off the wire are a view of a socket's read buffer (64 KiB, one per connection), which a kept
    // view would keep alive: 2,000 of them were 130 MiB.
    const start = this.waitingEnd();
    const end = start + bytes.byteLength;
    if (end > this.store.byteLength) this.grow(Math.max(end, 2 * this.store.byteLength));
    this.store.set(bytes, start);
    this.into.push(into);
    this.ends.push(end);
  }

  /** Adds at once what waits, if too much does: call it once the last `defer` stands. */
  bound(): void {
    if (this.pending > MAX_DEFERRED_ADDS) this.settle();
  }

  /** Makes the first `limit` waiting adds (all by default), oldest first. */
  settle(limit = Number.POSITIVE_INFINITY): void {
    const last = Math.min(this.into.length, this.done + limit);
    for (; this.done < last; this.done++) {
      const start = this.done > 0 ? (this.ends[this.done - 1] as number) : 0;
      addAccepted(this.store.subarray(start, this.ends[this.done]), this.into[this.done] as Histogram);
    }
    if (this.done === this.into.length) {
      this.into.length = 0;
      this.ends.length = 0;
      this.done = 0;
    }
  }

  /** Where the bytes of the last waiting report end (0 when none waits). */
  private waitingEnd(): number {
    return this.ends.length > 0 ? (this.ends[this.ends.length - 1] as number) : 0;
  }

  /** A larger store, holding what waits; returns it. */
  private grow(length: number): Uint8Array {
    const grown = new Uint8Array(length);
    grown.set(this.store.subarray(0, this.waitingEnd()));
    this.store = grown;
    return grown;
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
