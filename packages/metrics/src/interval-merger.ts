import type { IntervalData } from './interval.js';
import {
  addToSlot,
  type MergedInterval,
  openSlot,
  overflowOf,
  parseHistograms,
  releaseSlot,
  type Slot,
} from './merged-interval.js';
import { countMismatch, type Tally, tallyCounts } from './report-counts.js';
import { Watermark } from './watermark.js';

/** How many intervals may wait for a slow member before the oldest goes out without it. */
export const DEFAULT_MAX_OPEN_INTERVALS = 64;

/** Who reports intervals: an agent's id in the controller, a thread's index in an agent. */
export type MemberId = string | number;

/** Why an interval was refused; the merger is left exactly as it was. */
export type RejectionCode =
  | 'unknown-member'
  | 'member-left'
  | 'member-lost'
  /** seq not a non-negative integer, times not finite or ending before they start, a count negative or NaN. */
  | 'bad-interval'
  /** The member already sent this seq. */
  | 'duplicate-seq'
  /** Below a seq the member already sent: a member's seqs only go up (one engine, one ordered channel). */
  | 'out-of-order'
  /** The seq went out already and no later interval is open to carry it (a member that joined late). */
  | 'seq-flushed'
  /** `flush()` ended the run: nothing more is merged. */
  | 'closed'
  | 'bad-histogram';

/** An interval the merger refused, with a stable `code`. */
export class IntervalRejectedError extends Error {
  readonly code: RejectionCode;
  readonly member: MemberId;
  readonly seq: number;
  constructor(code: RejectionCode, member: MemberId, seq: number, detail: string) {
    super(`interval ${seq} from ${member}: ${detail}`);
    this.name = 'IntervalRejectedError';
    this.code = code;
    this.member = member;
    this.seq = seq;
  }
}

/** Something the caller should log: figures were merged, but not as they were measured. */
export type MergeNotice<Id extends MemberId> =
  /** More than `maxOpen` intervals were open: `seq` went out without the reports of `missing`. */
  | { type: 'forced'; seq: number; missing: Id[] }
  /** `member`'s report of the already emitted `seq` arrived and was carried into interval `into`. */
  | { type: 'late'; member: Id; seq: number; into: number };

/** Options of an IntervalMerger. */
export interface IntervalMergerOptions<Id extends MemberId> {
  /** The bound on open intervals (default DEFAULT_MAX_OPEN_INTERVALS); an integer of at least 1. */
  maxOpen?: number;
  /** Hears every forced or late merge. */
  onNotice?: (notice: MergeNotice<Id>) => void;
}

/** A report the merger accepted, as its caller hears of it before it is merged (see IntervalMerger.add). */
export interface AcceptedReport {
  /** Responses (the sum of its statuses) and requests without one (of its errors). */
  readonly responses: number;
  readonly errors: number;
}

interface Member {
  state: 'present' | 'left' | 'lost';
  /** The highest seq it sent; -1 before its first. */
  last: number;
}

/**
 * Merges the intervals of many members (agents, or an agent's engine threads) into one stream, one interval per
 * seq, strictly in seq order. Membership decides completeness: interval k goes out once every member still
 * present (joined, neither left nor lost) has sent k or a later seq. A member's seqs only go up, so one that has
 * sent a later seq will never send k; this is also what keeps a lost member's reports from closing an interval
 * early, which a count of reporters did not.
 *
 * Memory is bounded: past `maxOpen` open intervals the oldest goes out with what it holds (a `forced` notice).
 * Nothing disappears, though: a report that arrives for an interval already gone out is carried into the oldest
 * open interval (a `late` notice), whose counts and histograms then hold it. The stream's figures therefore sum
 * to everything accepted, only a late report is counted a little later than it was measured; and the times of
 * the stream still follow its seqs, as carried reports do not widen an interval's span.
 */
export class IntervalMerger<Id extends MemberId = string> {
  private readonly members = new Map<Id, Member>();
  /** The lowest last seq among present members: what interval may go out. */
  private readonly watermark = new Watermark();
  /** Open intervals, lowest seq first. */
  private readonly open: Slot[] = [];
  /** Every seq below this has gone out. */
  private nextSeq = 0;
  private closed = false;
  private readonly maxOpen: number;
  private readonly onNotice: ((notice: MergeNotice<Id>) => void) | undefined;

  /** `onInterval` hears each merged interval, in seq order; see MergedInterval for how long it may keep it. */
  constructor(
    private readonly onInterval: (interval: MergedInterval) => void,
    options: IntervalMergerOptions<Id> = {},
  ) {
    const maxOpen = options.maxOpen ?? DEFAULT_MAX_OPEN_INTERVALS;
    if (!Number.isSafeInteger(maxOpen) || maxOpen < 1) {
      throw new RangeError(`maxOpen must be an integer of at least 1, not ${maxOpen}`);
    }
    this.maxOpen = maxOpen;
    this.onNotice = options.onNotice;
  }

  /** Open intervals, waiting for some member. */
  get pending(): number {
    return this.open.length;
  }

  /** A member whose intervals will be waited for. Joining twice, or after leaving, changes nothing. */
  join(id: Id): void {
    if (this.members.has(id)) return;
    this.members.set(id, { state: 'present', last: -1 });
    this.watermark.add(-1);
  }

  /** The member finished: it has sent everything it will, so no interval waits for it any more. */
  leave(id: Id): void {
    this.depart(id, 'left');
  }

  /** The member is gone: what it sent is kept, no interval waits for it any more. */
  lose(id: Id): void {
    this.depart(id, 'lost');
  }

  /**
   * Merges one member's interval and emits whatever it completes. Throws IntervalRejectedError, having changed
   * nothing, if the interval cannot be merged. `accepted` (say, to count it in a per-member total) hears of it
   * once it is accepted, before anything is merged or emitted, and only then.
   */
  add(id: Id, interval: IntervalData, accepted?: (report: AcceptedReport) => void): void {
    const { seq } = interval;
    const { member, tally } = this.check(id, interval);
    const slot = seq < this.nextSeq ? this.open[0] : this.openSlotOf(seq);
    let parsed: ReturnType<typeof parseHistograms>;
    try {
      parsed = parseHistograms(interval, slot?.histogram);
    } catch (err) {
      throw new IntervalRejectedError('bad-histogram', id, seq, (err as Error).message);
    }
    // From here the latency may sit in the slot's buckets already: a refusal, or any throw, takes it back.
    try {
      const refusal = countMismatch(interval, parsed, tally) ?? overflowOf(slot, parsed);
      if (refusal) throw new IntervalRejectedError('bad-histogram', id, seq, refusal);
      accepted?.({ responses: tally.responses, errors: tally.errors });
    } catch (err) {
      parsed.latency.drop();
      throw err;
    }
    if (seq < this.nextSeq) {
      // Its interval went out (forced) without it: carry it into the next one to go out, so that it counts.
      const head = this.open[0] as Slot;
      addToSlot(head, interval, parsed, true);
      this.watermark.move(member.last, seq);
      member.last = seq;
      this.onNotice?.({ type: 'late', member: id, seq, into: head.seq });
      return;
    }
    addToSlot(slot ?? this.newSlot(interval), interval, parsed, false);
    this.watermark.move(member.last, seq);
    member.last = seq;
    this.emitComplete();
    while (this.open.length > this.maxOpen) this.force();
  }

  /** The end of the run: every open interval goes out, in order, with what it holds; later adds are refused. */
  flush(): void {
    this.closed = true;
    while (this.open.length > 0) this.emitHead();
  }

  private check(id: Id, interval: IntervalData): { member: Member; tally: Tally } {
    const { seq } = interval;
    const reject = (code: RejectionCode, detail: string): never => {
      throw new IntervalRejectedError(code, id, seq, detail);
    };
    if (this.closed) reject('closed', 'the merger was flushed');
    const member = this.members.get(id);
    if (!member) return reject('unknown-member', 'not a member');
    if (member.state === 'left') reject('member-left', 'it finished already');
    if (member.state === 'lost') reject('member-lost', 'it was lost');
    if (!Number.isSafeInteger(seq) || seq < 0) reject('bad-interval', 'seq is not a non-negative integer');
    const { startMs, endMs } = interval;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs < startMs) {
      reject('bad-interval', `bad time span [${startMs}, ${endMs})`);
    }
    const tally = tallyCounts(interval);
    if (!tally) return reject('bad-interval', 'a count is negative or not a number');
    if (seq === member.last) reject('duplicate-seq', 'sent twice');
    if (seq < member.last) reject('out-of-order', `after ${member.last}`);
    if (seq < this.nextSeq && this.open.length === 0) reject('seq-flushed', 'it went out; nothing open can carry it');
    return { member, tally };
  }

  /** The open interval of `seq`, if any. Reports come mostly in seq order, so the search from the end stops at once. */
  private openSlotOf(seq: number): Slot | undefined {
    for (let at = this.open.length - 1; at >= 0; at--) {
      const slot = this.open[at] as Slot;
      if (slot.seq <= seq) return slot.seq === seq ? slot : undefined;
    }
    return undefined;
  }

  /** Opens the interval of a report's seq (none is open), in seq order among the others. */
  private newSlot(interval: IntervalData): Slot {
    let at = this.open.length;
    while (at > 0 && (this.open[at - 1] as Slot).seq > interval.seq) at--;
    const slot = openSlot(interval.seq, interval.startMs, interval.endMs);
    this.open.splice(at, 0, slot);
    return slot;
  }

  private depart(id: Id, state: 'left' | 'lost'): void {
    const member = this.members.get(id);
    if (member?.state !== 'present') return;
    member.state = state;
    this.watermark.remove(member.last);
    this.emitComplete();
  }

  /** Emits, lowest first, every open interval that no present member can still send. */
  private emitComplete(): void {
    const watermark = this.watermark.lowest();
    while (this.open.length > 0 && (this.open[0] as Slot).seq <= watermark) this.emitHead();
  }

  private force(): void {
    const head = this.open[0] as Slot;
    const missing: Id[] = [];
    for (const [id, m] of this.members) if (m.state === 'present' && m.last < head.seq) missing.push(id);
    this.emitHead();
    this.onNotice?.({ type: 'forced', seq: head.seq, missing });
  }

  private emitHead(): void {
    const slot = this.open.shift() as Slot;
    this.nextSeq = slot.seq + 1;
    try {
      this.onInterval(slot);
    } finally {
      releaseSlot(slot);
    }
  }
}
