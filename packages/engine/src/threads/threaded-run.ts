import { Worker } from 'node:worker_threads';
import { encodeMergedInterval, type IntervalData, IntervalMerger, type MergeNotice } from '@volley/metrics';
import { type Plan, splitPlan, usableShares } from '@volley/plan';
import { noteFirstMessages } from '../error-kind.js';
import type { IntervalSink, RunHandle, RunStats } from '../model-run.js';
import type { FromWorker, ToWorker } from './messages.js';
import { defaultWorker } from './worker-script.js';

/**
 * A thread running `script`. A TypeScript source is loaded through a two-line bootstrap that registers tsx in
 * the new thread first (loader hooks are per thread).
 */
function startWorker(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const source = script.href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A run on `workers` engine threads of this process, each with its share of the plan. Every thread runs the
 * same model on its own event loop and posts its intervals here; an IntervalMerger sends an interval to `sink`
 * once every running thread has sent it, with the histograms added (never averaged) and the counts summed, so
 * the agent's stream looks exactly like one engine's. A thread that ends or dies stops holding the others back:
 * what it sent is kept.
 */
export class ThreadedRun implements RunHandle {
  readonly done: Promise<RunStats>;
  /** Resolves when every thread has loaded and been told to start. */
  readonly started: Promise<void>;
  /** Resolves when every thread has loaded, warmed up and opened its connections (or ended). Never rejects. */
  readonly prepared: Promise<void>;
  /** Resolves when every thread has exited: nothing of the run is open any more (its sockets went with them). */
  readonly exited: Promise<void>;
  private markPrepared!: () => void;
  private markStarted!: () => void;
  private readonly threads: Worker[] = [];
  private readonly merger: IntervalMerger<number>;
  /** Merged intervals sent to the sink: the last seq + 1. */
  private intervals = 0;
  /** Threads still running: the merger waits only for these (one that ended has sent all it will send). */
  private readonly running = new Set<number>();
  private ready = 0;
  /** Threads that said they were ready (not those that died first). */
  private loadedThreads = 0;
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
    /** The thread's script; tests give one that wraps worker.ts (a thread that crashes, say). */
    script: URL = defaultWorker(),
    /** Each thread measures its own health (event-loop lag, CPU) and attaches it to its intervals. */
    health = false,
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
    const exits: Promise<void>[] = [];
    this.merger = new IntervalMerger<number>(
      (merged) => {
        this.intervals = merged.seq + 1;
        this.sink(encodeMergedInterval(merged));
      },
      { onNotice: (notice) => this.onError(noticeError(notice), noticeThread(notice)) },
    );
    const parts = splitPlan(plan, usableShares(plan, workers));
    parts.forEach((part, index) => {
      this.running.add(index);
      this.merger.join(index);
      const thread = startWorker(script, { plan: part, index, health });
      let ended = false;
      let loaded = false;
      let finished = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        this.running.delete(index);
        // A thread that posted its stats has sent every interval; one that died may have sent some.
        if (finished) this.merger.leave(index);
        else this.merger.lose(index);
        // A thread that died before it was ready must not hold the start of the others.
        if (!loaded) {
          loaded = true;
          this.ready++;
          this.startIfReady();
        }
        if (this.running.size === 0) this.finish();
      };
      thread.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          loaded = true;
          this.loadedThreads++;
          this.ready++;
          this.startIfReady();
        } else if (message.type === 'interval') {
          noteFirstMessages(message.errors ?? []);
          this.add(message.interval, index);
        } else {
          this.stats.push(message.stats);
          finished = true;
          end();
        }
      });
      thread.on('error', (err) => {
        this.onError(err, index);
        end();
      });
      thread.on('exit', end);
      exits.push(new Promise((resolve) => thread.once('exit', () => resolve())));
      this.threads.push(thread);
    });
    this.exited = Promise.all(exits).then(() => {});
  }

  /** Threads that loaded, warmed up and opened their connections: 0 when every one died first. */
  get loaded(): number {
    return this.loadedThreads;
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
    // Threads not told to start have measured nothing: they go now, not after a warm-up and connections they
    // would only close again (against a target that does not answer, that wait is a connect timeout).
    if (!this.startSent) {
      for (const t of this.threads) void t.terminate();
      return;
    }
    for (const t of this.threads) this.post(t, { type: 'abort' });
  }

  private post(thread: Worker, message: ToWorker): void {
    thread.postMessage(message);
  }

  private add(interval: IntervalData, thread: number): void {
    try {
      this.merger.add(thread, interval);
    } catch (err) {
      // Our own thread sent something the merger refuses: a bug, reported, and the run goes on without it.
      this.onError(err as Error, thread);
    }
  }

  /** Every thread is done or gone: what is left (a dead thread's last partial intervals) goes out in order. */
  private finish(): void {
    this.merger.flush();
    this.resolve({
      durationMs: Math.max(0, ...this.stats.map((s) => s.durationMs)),
      requests: this.stats.reduce((n, s) => n + s.requests, 0),
      intervals: this.intervals,
      aborted: this.aborted || this.stats.some((s) => s.aborted) || this.stats.length < this.threads.length,
    });
  }
}

/** A thread far enough behind that the merger went on without it: reported like any thread trouble. */
function noticeError(notice: MergeNotice<number>): Error {
  return notice.type === 'forced'
    ? new Error(`interval ${notice.seq} went out without threads ${notice.missing.join(', ')}, too far behind`)
    : new Error(`interval ${notice.seq} came too late; it is counted in interval ${notice.into}`);
}

function noticeThread(notice: MergeNotice<number>): number {
  return notice.type === 'forced' ? (notice.missing[0] ?? -1) : notice.member;
}

/** Starts a run on `workers` threads (at most one per connection); intervals reach `sink` merged. */
export function startThreadedRun(
  plan: Plan,
  workers: number,
  sink: IntervalSink,
  onError?: (err: Error, thread: number) => void,
  script?: URL,
  health = false,
): ThreadedRun {
  return new ThreadedRun(plan, workers, sink, onError, true, script, health);
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
  health = false,
  script?: URL,
): ThreadedRun {
  return new ThreadedRun(plan, workers, sink, onError, false, script, health);
}
