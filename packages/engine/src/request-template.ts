import type { Dispatcher } from 'undici';
import type { Plan } from './plan.js';

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
}

/** Builds the request once (autocannon's rule: only rebuild if something is dynamic). */
export function buildTemplate(plan: Plan): RequestTemplate {
  const url = new URL(plan.url);
  const path = `${url.pathname}${url.search}`;
  const headers: string[] = [];
  for (const [name, value] of plan.headers) headers.push(name, value);
  const body = plan.body && plan.body.byteLength > 0 ? Buffer.from(plan.body) : null;

  let head = `${plan.method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of plan.headers) head += `${name}: ${value}\r\n`;
  if (body) head += `content-length: ${body.byteLength}\r\n`;
  head += '\r\n';

  return {
    origin: url.origin,
    // undici holds back the next request on a socket until this one's headers arrive ("blocking") unless told
    // otherwise: with pipelining, requests go out back to back.
    options: {
      path,
      method: plan.method as Dispatcher.HttpMethod,
      headers,
      body,
      ...(plan.pipelining > 1 ? { blocking: false } : {}),
    },
    bytesOut: Buffer.byteLength(head) + (body?.byteLength ?? 0),
  };
}
