import type { Recorder } from '@volley/metrics';
import type { Dispatcher } from 'undici';
import type { Connection } from '../client/index.js';
import type { Clock, Timer } from '../clock.js';
import { classifyError } from '../error-kind.js';
import { CookieJar } from './cookies.js';
import type { DataRows } from './data.js';
import { judge, type Response } from './judge.js';
import { type FlowProgram, requestBytes, type StepProgram } from './program.js';
import { type RenderContext, render } from './render.js';

/** What a virtual user asks of the run that owns it. */
export interface UserHost {
  /** The deadline passed or the run was aborted: start nothing more. */
  readonly stopping: boolean;
  /** This user's connection to `origin`, made on first use. */
  connection(origin: string): Connection;
  /** A request is going out (counted as started). */
  sent(): void;
  /** `$seq`: the next number of this share. */
  seq(): number;
  /** The user's iteration is over (completed or cut short); it is free for the next. */
  ended(user: VirtualUser): void;
  /** The data ran out: no iteration could begin. */
  exhausted(user: VirtualUser): void;
}

/** Most of a body a check or capture reads; the rest is counted, not kept. */
const MAX_BODY_BYTES = 1024 * 1024;
const STATUS_LINE_BYTES = 15;
const SET_COOKIE = 'set-cookie';

/**
 * One virtual user of a flow: it runs an iteration's steps one after the other, on its own connections (one per
 * origin), with its own cookies and captured values, which start empty each iteration. One request in flight at
 * a time; the user is its own undici dispatch handler, reused for every request, as an Exchange is.
 */
export class VirtualUser implements Dispatcher.DispatchHandler {
  private readonly ctx: RenderContext;
  private readonly vars: string[];
  private readonly rows: Array<readonly string[] | undefined>;
  private readonly jar: CookieJar | undefined;
  private iteration = -1;
  private stepAt = 0;
  private step: StepProgram | undefined;
  private iterationAt = 0;
  /** Open model: when this iteration was due (its first request's latency counts from there). */
  private intendedAt: number | undefined;
  private sentAt = 0;
  /** Path of the request in flight: a cookie set without a Path is scoped to its directory. */
  private path = '/';
  private bytesOut = 0;
  private status = 0;
  private bytesIn = 0;
  private sentNow = false;
  private readonly headers: Array<readonly [string, string]> = [];
  private readonly chunks: Buffer[] = [];
  /** The connection the request in flight went out on. */
  private connection: Connection | undefined;
  private kept = 0;
  private thinkTimer: Timer | undefined;
  private abortInFlight: ((err: Error) => void) | undefined;
  private busy = false;
  private readonly nextSoon = (): void => this.nextStep();
  private readonly afterThink = (): void => {
    this.thinkTimer = undefined;
    this.nextStep();
  };

  constructor(
    private readonly host: UserHost,
    private readonly program: FlowProgram,
    private readonly data: DataRows,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    /** `$vu`. */
    readonly number: number,
    /** Record service time beside latency (the open model). */
    private readonly scheduled: boolean,
  ) {
    this.vars = new Array<string>(program.compiled.slots).fill('');
    this.rows = new Array(program.flow.data.length);
    this.jar = program.flow.cookies ? new CookieJar() : undefined;
    const user = this;
    this.ctx = {
      rows: this.rows,
      vars: this.vars,
      vu: number,
      get iteration() {
        return user.iteration;
      },
      seq: () => host.seq(),
    };
  }

  /** Begins an iteration now; `intendedAt` (clock time) when the open model's schedule had it due earlier. */
  begin(intendedAt?: number): void {
    if (!this.data.take(this.rows, this.number, this.iteration + 1)) {
      this.host.exhausted(this);
      return;
    }
    this.busy = true;
    this.iteration++;
    this.intendedAt = intendedAt;
    this.iterationAt = intendedAt ?? this.clock.now();
    this.vars.fill('');
    this.jar?.clear();
    this.recorder.recordIterationStart();
    this.stepAt = this.program.flow.pick === 'weighted' ? this.program.pick() : 0;
    this.nextStep();
  }

  /** The run is stopping: a user pausing between steps ends its iteration now (one in flight ends on its reply). */
  halt(): void {
    if (this.thinkTimer === undefined) return;
    this.clock.clearTimeout(this.thinkTimer);
    this.thinkTimer = undefined;
    this.end(false);
  }

  /** Aborts the request in flight (as a timeout) if it was sent at or before `cutoff`; see Exchange.expire. */
  expire(cutoff: number, err: Error): void {
    if (this.abortInFlight !== undefined && this.sentAt <= cutoff) this.abortInFlight(err);
  }

  private nextStep(): void {
    const last =
      this.program.flow.pick === 'weighted' ? this.step !== undefined : this.stepAt >= this.program.steps.length;
    if (last || this.host.stopping) {
      this.end(last);
      return;
    }
    const step = this.program.steps[this.stepAt] as StepProgram;
    this.step = step;
    this.send(step);
  }

  private send(step: StepProgram): void {
    let options: Dispatcher.DispatchOptions;
    const path = step.fixed ? (step.fixed.options.path as string) : render(step.compiled.path, this.ctx);
    const cookie = this.jar && this.jar.size > 0 ? this.jar.header(step.hostname, path, step.https) : undefined;
    if (step.fixed && cookie === undefined) {
      options = step.fixed.options;
      this.bytesOut = step.fixed.bytesOut;
    } else {
      const headers: string[] = [];
      if (step.fixed) headers.push(...(step.fixed.options.headers as string[]));
      else for (const [name, value] of step.compiled.headers) headers.push(name, render(value, this.ctx));
      if (cookie !== undefined) headers.push('cookie', cookie);
      const body = step.fixed
        ? (step.fixed.options.body as Buffer | null)
        : step.compiled.body === null
          ? null
          : Buffer.from(render(step.compiled.body, this.ctx));
      options = {
        origin: step.origin,
        path,
        method: step.compiled.step.method as Dispatcher.HttpMethod,
        headers,
        body,
      };
      this.bytesOut = requestBytes(options.method, path, headers, body?.byteLength ?? 0);
    }
    this.path = path;
    this.status = 0;
    this.bytesIn = 0;
    this.sentNow = false;
    this.headers.length = 0;
    this.chunks.length = 0;
    this.kept = 0;
    this.host.sent();
    this.sentAt = this.clock.now();
    const connection = this.host.connection(step.origin);
    this.connection = connection;
    connection.dispatch(options, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.sentNow = true;
    this.abortInFlight = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.status = statusCode;
    let bytes = STATUS_LINE_BYTES + statusText.length;
    const step = this.step as StepProgram;
    const { jar } = this;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as Buffer;
      const value = rawHeaders[i + 1] as Buffer;
      bytes += name.length + value.length + 4;
      // Names are decoded only when their length could match one that is read: most headers are only counted.
      const cookie = jar !== undefined && name.length === SET_COOKIE.length;
      if (!cookie && !step.wantedLengths.has(name.length)) continue;
      const lower = name.toString('latin1').toLowerCase();
      if (cookie && lower === SET_COOKIE) jar.store(value.toString('latin1'), step.hostname, this.path);
      if (step.wanted.has(lower)) this.headers.push([lower, value.toString('latin1')]);
    }
    this.bytesIn += bytes;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytesIn += chunk.length;
    if ((this.step as StepProgram).compiled.readsBody && this.kept < MAX_BODY_BYTES) {
      const part = chunk.length + this.kept > MAX_BODY_BYTES ? chunk.subarray(0, MAX_BODY_BYTES - this.kept) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    return true;
  }

  onComplete(): void {
    this.abortInFlight = undefined;
    const step = this.step as StepProgram;
    this.connection?.settle();
    const now = this.clock.now();
    const from = this.intendedAt ?? this.sentAt;
    // Only the first request of an iteration can have been held back by the schedule.
    this.intendedAt = undefined;
    const latencyUs = Math.round((now - from) * 1000);
    if (this.scheduled) {
      const serviceUs = Math.round((now - this.sentAt) * 1000);
      this.recorder.recordScheduledResponse(this.status, latencyUs, serviceUs, this.bytesOut, this.bytesIn, step.index);
    } else this.recorder.recordResponse(this.status, latencyUs, this.bytesOut, this.bytesIn, step.index);
    this.after(step, this.status);
  }

  onError(err: Error): void {
    this.abortInFlight = undefined;
    const step = this.step as StepProgram;
    this.intendedAt = undefined;
    this.connection?.settle();
    this.recorder.recordError(classifyError(err), this.sentNow ? this.bytesOut : 0, step.index);
    // An error can come synchronously from dispatch(): go on in the next turn, as a closed loop does.
    this.status = 0;
    this.after(step, 0, true);
  }

  /** Judges the response, then pauses (think time) or goes on; a failed capture ends the iteration. */
  private after(step: StepProgram, status: number, later = false): void {
    const { compiled } = step;
    if (compiled.checks.length > 0 || compiled.captures.length > 0) {
      const body = this.chunks.length > 0 ? Buffer.concat(this.chunks).toString('utf8') : '';
      const response: Response = { status, headers: this.headers, body };
      if (!judge(compiled, step.index, response, this.ctx, this.vars, this.recorder)) {
        if (later) this.clock.setImmediate(() => this.end(true));
        else this.end(true);
        return;
      }
    }
    this.stepAt++;
    const think = compiled.step.think;
    if (think !== null && !this.host.stopping) {
      const ms = think.minMs + Math.random() * (think.maxMs - think.minMs);
      this.thinkTimer = this.clock.setTimeout(this.afterThink, ms);
    } else if (later) this.clock.setImmediate(this.nextSoon);
    else this.nextStep();
  }

  /** The iteration is over: counted when it ran to its end (or a capture ended it), never when cut short. */
  private end(completed: boolean): void {
    if (!this.busy) return;
    this.busy = false;
    this.step = undefined;
    if (completed) this.recorder.recordIteration((this.clock.now() - this.iterationAt) * 1000);
    this.host.ended(this);
  }
}
