import type { Recorder } from '@volley/metrics';
import type { Dispatcher } from 'undici';
import type { Connection } from './client/index.js';
import { classifyError } from './error-kind.js';
import type { RequestTemplate } from './request-template.js';

/** What a loop asks of the run that owns it. */
export interface LoopHost {
  /** May this loop send one more request? Counts it as started if so. */
  take(): boolean;
  /** This loop has stopped for good (take() said no). */
  idle(): void;
}

// Per response: "HTTP/1.1 " + status + " " + reason + CRLF, then CRLF after the headers.
const STATUS_LINE_BYTES = 15;

/**
 * The closed model's unit: one connection that sends its next request as soon as the last one ended.
 * The loop is its own undici dispatch handler, so the hot path allocates nothing of ours per request.
 */
export class ClosedLoop implements Dispatcher.DispatchHandler {
  private startedAt = 0;
  private status = 0;
  private bytesIn = 0;
  /** Did undici hand this request to a socket? A refused connection sends nothing. */
  private sent = false;
  private readonly nextSoon: () => void;

  constructor(
    private readonly host: LoopHost,
    private readonly connection: Connection,
    private readonly template: RequestTemplate,
    private readonly recorder: Recorder,
  ) {
    this.nextSoon = () => this.next();
  }

  /** Sends the next request, or goes idle if the run says no. */
  next(): void {
    if (!this.host.take()) {
      this.host.idle();
      return;
    }
    this.status = 0;
    this.bytesIn = 0;
    this.sent = false;
    this.startedAt = performance.now();
    this.connection.dispatch(this.template.options, this);
  }

  onConnect(): void {
    this.sent = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.status = statusCode;
    let bytes = STATUS_LINE_BYTES + statusText.length;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      bytes += (rawHeaders[i]?.length ?? 0) + (rawHeaders[i + 1]?.length ?? 0) + 4;
    }
    this.bytesIn += bytes;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytesIn += chunk.length;
    return true;
  }

  onComplete(): void {
    const latencyUs = Math.round((performance.now() - this.startedAt) * 1000);
    this.connection.settle();
    this.recorder.recordResponse(this.status, latencyUs, this.template.bytesOut, this.bytesIn);
    this.next();
  }

  onError(err: Error): void {
    this.connection.settle();
    this.recorder.recordError(classifyError(err), this.sent ? this.template.bytesOut : 0);
    // An error can arrive synchronously from dispatch(); going on in the next turn keeps the stack flat and a
    // refused connection from spinning the event loop without ever yielding to timers.
    setImmediate(this.nextSoon);
  }
}
