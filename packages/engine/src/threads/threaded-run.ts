import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  addCounts,
  createIntervalHistogram,
  type EndpointInterval,
  encodeHistogram,
  type Histogram,
  type IntervalData,
  readEncodedHistogram,
} from '@volley/metrics';
import { type Plan, splitPlan, usableShares } from '@volley/plan';
import type { IntervalSink, RunHandle, RunStats } from '../model-run.js';
import type { FromWorker, ToWorker } from './messages.js';

/**
 * The worker beside this file: worker.js when built. When run from sources (tests under tsx), worker.ts, loaded
 * through a two-line bootstrap that registers tsx in the new thread first (loader hooks are per thread).
 */
function startWorker(workerData: unknown): Worker {
  const built = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** One interval being merged over the threads. */
interface Slot {
  seq: number;
  startMs: number;
  endMs: number;
  histogram: Histogram;
  service: Histogram | undefined;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  late: number;
  dropped: number;
  endpoints: Map<string, { histogram: Histogram; byStatus: Record<string, number>; byError: Record<string, number> }>;
  /** Threads that sent this interval. */
  reporters: Set<number>;
}

/**
 * A run on `workers` engine threads of this process, each with its share of the plan. Every thread runs the
 * same model on its own event loop and posts its intervals here; an interval goes to `sink` once every live
 * thread has sent it, with the histograms added (never averaged) and the counts summed, so the agent's stream
 * looks exactly like one engine's. A thread that dies stops holding the others back: what it sent is kept.
 */
export class ThreadedRun implements RunHandle {
  readonly done: Promise<RunStats>;
  /** Resolves when every thread has loaded and been told to start. */
  readonly started: Promise<void>;
  /** Resolves when every thread has loaded, warmed up and opened its connections (or ended). Never rejects. */
  readonly prepared: Promise<void>;
  private markPrepared!: () => void;
  private markStarted!: () => void;
  private readonly threads: Worker[] = [];
  private readonly slots = new Map<number, Slot>();
  private nextSeq = 0;
  /** Threads still running: an interval waits only for these (one that ended has sent all it will send). */
  private readonly running = new Set<number>();
  private ready = 0;
  private go: boolean;
  private startSent = false;
  private aborted = false;
  private readonly stats: RunStats[] = [];
  private resolve!: (stats: RunStats) => void;

  constructor(
    plan: Plan,
    workers: number,
    private readonly sink: IntervalSink,
    private readonly onError: (err: Error, thread: number) => void = () => {},
    autoStart = true,
  ) {
    this.go = autoStart;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
    this.started = new Promise((resolve) => {
      this.markStarted = resolve;
    });
    this.prepared = new Promise((resolve) => {
      this.markPrepared = resolve;
    });
    const parts = splitPlan(plan, usableShares(plan, workers));
    parts.forEach((part, index) => {
      this.running.add(index);
      const thread = startWorker({ plan: part, index });
      let ended = false;
      let loaded = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        this.running.delete(index);
        // A thread that died before it was ready must not hold the start of the others.
        if (!loaded) {
          loaded = true;
          this.ready++;
          this.startIfReady();
        }
        this.flush();
        if (this.running.size === 0) this.finish();
      };
      thread.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          loaded = true;
          this.ready++;
          this.startIfReady();
        } else if (message.type === 'interval') {
          this.add(message.interval, index);
        } else {
          this.stats.push(message.stats);
          end();
        }
      });
      thread.on('error', (err) => {
        this.onError(err, index);
        end();
      });
      thread.on('exit', end);
      this.threads.push(thread);
    });
  }

  /** Starts a run made with `autoStart` false (see `prepareThreadedRun`): now, or once every thread has loaded. */
  start(): void {
    this.go = true;
    this.startIfReady();
  }

  /** Start together: nobody fires until every thread has loaded and the run was told to start. */
  private startIfReady(): void {
    if (this.ready >= this.threads.length) this.markPrepared();
    if (this.startSent || !this.go || this.ready < this.threads.length) return;
    this.startSent = true;
    for (const t of this.threads) this.post(t, { type: this.aborted ? 'abort' : 'start' });
    this.markStarted();
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const t of this.threads) this.post(t, { type: 'abort' });
  }

  private post(thread: Worker, message: ToWorker): void {
    thread.postMessage(message);
  }

  private add(interval: IntervalData, thread: number): void {
    let slot = this.slots.get(interval.seq);
    if (!slot) {
      slot = {
        seq: interval.seq,
        startMs: interval.startMs,
        endMs: interval.endMs,
        histogram: createIntervalHistogram(),
        service: undefined,
        byStatus: {},
        byError: {},
        bytesSent: 0,
        bytesReceived: 0,
        late: 0,
        dropped: 0,
        endpoints: new Map(),
        reporters: new Set(),
      };
      this.slots.set(interval.seq, slot);
    }
    addInto(slot.histogram, interval.histogram);
    if (interval.serviceHistogram && interval.serviceHistogram.byteLength > 0) {
      slot.service ??= createIntervalHistogram();
      addInto(slot.service, interval.serviceHistogram);
    }
    slot.startMs = Math.min(slot.startMs, interval.startMs);
    slot.endMs = Math.max(slot.endMs, interval.endMs);
    addCounts(slot.byStatus, interval.byStatus);
    addCounts(slot.byError, interval.byError);
    slot.bytesSent += interval.bytesSent;
    slot.bytesReceived += interval.bytesReceived;
    slot.late += interval.late ?? 0;
    slot.dropped += interval.dropped ?? 0;
    for (const e of interval.endpoints ?? []) {
      let mine = slot.endpoints.get(e.name);
      if (!mine) {
        mine = { histogram: createIntervalHistogram(), byStatus: {}, byError: {} };
        slot.endpoints.set(e.name, mine);
      }
      addInto(mine.histogram, e.histogram);
      addCounts(mine.byStatus, e.byStatus);
      addCounts(mine.byError, e.byError);
    }
    slot.reporters.add(thread);
    this.flush();
  }

  /** Emits, in order, every interval that every running thread has sent. */
  private flush(): void {
    for (let slot = this.slots.get(this.nextSeq); slot && this.complete(slot); ) {
      this.emit(slot);
      slot = this.slots.get(this.nextSeq);
    }
  }

  private complete(slot: Slot): boolean {
    for (const t of this.running) if (!slot.reporters.has(t)) return false;
    return true;
  }

  private emit(slot: Slot): void {
    this.slots.delete(slot.seq);
    this.nextSeq = slot.seq + 1;
    const data: IntervalData = {
      seq: slot.seq,
      startMs: slot.startMs,
      endMs: slot.endMs,
      histogram: encodeHistogram(slot.histogram),
      byStatus: slot.byStatus,
      byError: slot.byError,
      bytesSent: slot.bytesSent,
      bytesReceived: slot.bytesReceived,
    };
    if (slot.service) {
      data.serviceHistogram = encodeHistogram(slot.service);
      data.late = slot.late;
      if (slot.dropped > 0) data.dropped = slot.dropped;
    }
    if (slot.endpoints.size > 0) {
      data.endpoints = [...slot.endpoints].map(
        ([name, e]): EndpointInterval => ({
          name,
          histogram: encodeHistogram(e.histogram),
          byStatus: e.byStatus,
          byError: e.byError,
        }),
      );
    }
    this.sink(data);
  }

  /** Every thread is done or gone: what is left (a dead thread's last partial intervals) goes out in order. */
  private finish(): void {
    for (const slot of [...this.slots.values()].sort((a, b) => a.seq - b.seq)) this.emit(slot);
    this.resolve({
      durationMs: Math.max(0, ...this.stats.map((s) => s.durationMs)),
      requests: this.stats.reduce((n, s) => n + s.requests, 0),
      intervals: this.nextSeq,
      aborted: this.aborted || this.stats.some((s) => s.aborted) || this.stats.length < this.threads.length,
    });
  }
}

function addInto(into: Histogram, bytes: Uint8Array): void {
  readEncodedHistogram(bytes).addTo([into]);
}

/** Starts a run on `workers` threads (at most one per connection); intervals reach `sink` merged. */
export function startThreadedRun(
  plan: Plan,
  workers: number,
  sink: IntervalSink,
  onError?: (err: Error, thread: number) => void,
): ThreadedRun {
  return new ThreadedRun(plan, workers, sink, onError);
}

/**
 * Loads the threads and lets each warm up and open its connections, but starts only on `start()`: an agent
 * prepares when the Plan arrives and starts on the controller's Start.
 */
export function prepareThreadedRun(
  plan: Plan,
  workers: number,
  sink: IntervalSink,
  onError?: (err: Error, thread: number) => void,
): ThreadedRun {
  return new ThreadedRun(plan, workers, sink, onError, false);
}
