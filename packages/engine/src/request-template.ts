import type { Plan } from '@volley/plan';
import type { Dispatcher } from 'undici';

/** Everything about a request that does not change between sends, built once before the run. */
export interface RequestTemplate {
  /** scheme://host:port, what a client connects to. */
  origin: string;
  /** Reused by every dispatch: undici reads it and keeps no reference. */
  options: Dispatcher.DispatchOptions;
  /**
   * Bytes one request puts on the wire, computed from the request line, the headers undici adds (host,
   * connection, content-length) and the body. An estimate by construction, exact for the common cases.
   */
  bytesOut: number;
  /** Index of the scenario request it sends, or -1 in a run of one request. */
  endpoint: number;
}

/** The plan's requests, each built once: the one request, or each of a scenario's named requests in order. */
export function buildTemplates(plan: Plan): RequestTemplate[] {
  const url = new URL(plan.url);
  if (plan.endpoints.length === 0) {
    return [buildTemplate(plan, url, plan.method, `${url.pathname}${url.search}`, plan.headers, plan.body, -1)];
  }
  return plan.endpoints.map((e, i) =>
    buildTemplate(plan, url, e.method, e.path, [...plan.headers, ...e.headers], e.body ?? plan.body, i),
  );
}

/** Builds one request once (autocannon's rule: only rebuild if something is dynamic). */
function buildTemplate(
  plan: Plan,
  url: URL,
  method: string,
  path: string,
  headerPairs: Array<[string, string]>,
  bodyBytes: Uint8Array | null,
  endpoint: number,
): RequestTemplate {
  const headers: string[] = [];
  for (const [name, value] of headerPairs) headers.push(name, value);
  const body = bodyBytes && bodyBytes.byteLength > 0 ? Buffer.from(bodyBytes) : null;

  let head = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of headerPairs) head += `${name}: ${value}\r\n`;
  if (body) head += `content-length: ${body.byteLength}\r\n`;
  head += '\r\n';

  return {
    origin: url.origin,
    // undici holds back the next request on a socket until this one's headers arrive ("blocking") unless told
    // otherwise: with pipelining, requests go out back to back.
    options: {
      path,
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      ...(plan.pipelining > 1 ? { blocking: false } : {}),
    },
    bytesOut: Buffer.byteLength(head) + (body?.byteLength ?? 0),
    endpoint,
  };
}

/**
 * Picks a scenario's requests by weight with nginx's smooth weighted round-robin: deterministic, exact over
 * every cycle of sum(weights) picks, and interleaved (weights 3:1 give a a b a, not a a a b). Weights need not
 * be whole; over n picks each request's count is within one of n * weight / sum.
 */
export class RequestMix {
  private readonly current: Float64Array;
  private readonly total: number;

  constructor(
    readonly templates: readonly RequestTemplate[],
    private readonly weights: readonly number[],
  ) {
    this.current = new Float64Array(templates.length);
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  static of(plan: Plan): RequestMix {
    const templates = buildTemplates(plan);
    const weights = plan.endpoints.length > 0 ? plan.endpoints.map((e) => e.weight) : [1];
    return new RequestMix(templates, weights);
  }

  /** The request to send next. */
  next(): RequestTemplate {
    const n = this.templates.length;
    if (n === 1) return this.templates[0] as RequestTemplate;
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.current[i] = (this.current[i] as number) + (this.weights[i] as number);
      if ((this.current[i] as number) > (this.current[best] as number)) best = i;
    }
    this.current[best] = (this.current[best] as number) - this.total;
    return this.templates[best] as RequestTemplate;
  }
}
