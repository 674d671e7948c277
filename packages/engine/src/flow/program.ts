import { type CompiledFlow, type CompiledStep, compileFlow, type Flow } from '@volley/plan';
import type { Dispatcher } from 'undici';
import { talliesOf } from './judge.js';
import { linearTimeCaptures } from './linear-regex.js';

/** A step as the run sends it: compiled once, with its request prebuilt when nothing in it changes. */
export interface StepProgram {
  compiled: CompiledStep;
  index: number;
  origin: string;
  /** host[:port], as a Cookie's domain matches it (no port). */
  hostname: string;
  https: boolean;
  /** The request, built once: for a step without templates. */
  fixed: { options: Dispatcher.DispatchOptions; bytesOut: number } | undefined;
  /** Response headers a check or capture reads (lowercase). */
  wanted: ReadonlySet<string>;
  /** The lengths of the wanted names: a header of another length is not decoded. */
  wantedLengths: ReadonlySet<number>;
}

// Per response: "HTTP/1.1 200 OK" and CRLFs; per request: the request line's fixed part and the host header.
const REQUEST_LINE_BYTES = 40;

/** A flow compiled for one run: its steps, the check names its recorder counts, and the weighted pick. */
export class FlowProgram {
  readonly compiled: CompiledFlow;
  readonly steps: StepProgram[];
  /** Per step: its checks' and captures' names, as the recorder tallies them. */
  readonly tallies: string[][];
  private readonly current: Float64Array;
  private readonly total: number;

  constructor(readonly flow: Flow) {
    this.compiled = linearTimeCaptures(compileFlow(flow));
    this.steps = this.compiled.steps.map((compiled, index) => program(compiled, index));
    this.tallies = this.compiled.steps.map(talliesOf);
    this.current = new Float64Array(flow.steps.length);
    this.total = flow.steps.reduce((a, s) => a + s.weight, 0);
  }

  /** The step of a weighted iteration: nginx's smooth weighted round-robin, as RequestMix picks requests. */
  pick(): number {
    const n = this.steps.length;
    if (n === 1) return 0;
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.current[i] = (this.current[i] as number) + (this.flow.steps[i]?.weight ?? 0);
      if ((this.current[i] as number) > (this.current[best] as number)) best = i;
    }
    this.current[best] = (this.current[best] as number) - this.total;
    return best;
  }
}

function program(compiled: CompiledStep, index: number): StepProgram {
  const { step } = compiled;
  const url = new URL(step.origin);
  const wanted = new Set<string>();
  for (const c of compiled.checks) if (c.type === 'header') wanted.add(c.header);
  for (const c of compiled.captures) if (c.from === 'header') wanted.add(c.header);
  let fixed: StepProgram['fixed'];
  if (compiled.fixed) {
    const headers = step.headers.flat();
    const body = step.body === null ? null : Buffer.from(step.body);
    fixed = {
      options: { origin: step.origin, path: step.path, method: step.method as Dispatcher.HttpMethod, headers, body },
      bytesOut: requestBytes(step.method, step.path, headers, body?.byteLength ?? 0),
    };
  }
  return {
    compiled,
    index,
    origin: step.origin,
    hostname: url.hostname,
    https: url.protocol === 'https:',
    fixed,
    wanted,
    wantedLengths: new Set([...wanted].map((n) => n.length)),
  };
}

/** Bytes a request puts on the wire, estimated from its parts (as request-template.ts does for fixed requests). */
export function requestBytes(method: string, path: string, headers: readonly string[], bodyBytes: number): number {
  let n = REQUEST_LINE_BYTES + method.length + path.length + bodyBytes;
  for (let i = 0; i < headers.length; i += 2) n += (headers[i]?.length ?? 0) + (headers[i + 1]?.length ?? 0) + 4;
  return n;
}
