import type { Recorder } from '@volley/metrics';
import type { Dispatcher } from 'undici';
import type { Connection } from './client/index.js';
import type { Clock } from './clock.js';
import { classifyError } from './error-kind.js';
import type { RequestMix, RequestTemplate } from './request-template.js';

// Per response: "HTTP/1.1 " + status + " " + reason + CRLF, then CRLF after the headers.
const STATUS_LINE_BYTES = 15;

/**
 * One connection's request-response exchanges, as a reusable undici dispatch handler: it counts bytes both ways,
 * and hands the outcome to its model (`completed`, `failed`). Reused for every request on its connection, so the
 * hot path allocates nothing of ours per request.
 */
export abstract class Exchange implements Dispatcher.DispatchHandler {
  protected status = 0;
  protected bytesIn = 0;
  /** Did undici hand this request to a socket? A refused connection sends nothing. */
  protected sent = false;
  /** clock.now() when the request in flight was dispatched. */
  protected sentAt = 0;
  /** Ends the request in flight with an error: undici's, handed over once it is on a socket; unset otherwise. */
  private abortInFlight: ((err: Error) => void) | undefined = undefined;
  /** The request in flight (one of the mix's). */
  protected template: RequestTemplate;

  constructor(
    protected readonly connection: Connection,
    private readonly mix: RequestMix,
    protected readonly recorder: Recorder,
    /** The run's clock: its model's send and completion times are read from it. */
    protected readonly clock: Clock,
  ) {
    this.template = mix.templates[0] as RequestTemplate;
  }

  /** Sends one request, the mix's next, on this exchange's connection. */
  protected send(): void {
    this.status = 0;
    this.bytesIn = 0;
    this.sent = false;
    this.template = this.mix.next();
    this.sentAt = this.clock.now();
    this.connection.dispatch(this.template.options, this);
  }

  /**
   * Aborts the request in flight (with `err`, counted as a timeout) if it was sent at or before `cutoff`. undici's
   * own timeouts bound connecting, the wait for headers and each gap between body chunks, but not the whole
   * exchange: a body trickled a byte at a time would hold a request (and the run's end) for ever. The run calls
   * this on every exchange from one periodic sweep, so no request pays for a timer of its own.
   */
  expire(cutoff: number, err: Error): void {
    if (this.abortInFlight !== undefined && this.sentAt <= cutoff) this.abortInFlight(err);
  }

  /** A whole response arrived (status and bytes are set). */
  protected abstract completed(): void;

  /** The request ended without a response; it has been counted already. */
  protected abstract failed(): void;

  onConnect(abort: (err?: Error) => void): void {
    this.sent = true;
    this.abortInFlight = abort;
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
    this.abortInFlight = undefined;
    this.connection.settle();
    this.completed();
  }

  onError(err: Error): void {
    this.abortInFlight = undefined;
    this.connection.settle();
    this.recorder.recordError(classifyError(err), this.sent ? this.template.bytesOut : 0, this.template.endpoint);
    this.failed();
  }
}
