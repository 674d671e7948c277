import { connect } from 'node:tls';
import { MAX_CONTROLLER_FRAME_BYTES } from '@volley/protocol';
import WebSocket from 'ws';

/** A WebSocket close reason is at most 123 bytes. */
const MAX_CLOSE_REASON = 123;

/**
 * The masking key of every frame an agent sends: zero, which ws then neither applies here nor undoes on the
 * controller (a byte loop over each 4-5 KB interval, 2,000 a second, on the path a merged interval waits on).
 * Masking keeps a script in a browser from choosing the bytes a broken proxy sees; an agent runs no foreign script,
 * and its frames hold its own figures. Zero is a key RFC 6455 frames can carry; it is not the random one the RFC
 * asks of a client, so a controller must not rely on masking, and none does (ws skips a zero key).
 */
function zeroMask(mask: Uint8Array): void {
  mask.fill(0);
}

/** Opens the WebSocket to a controller: the token in the upgrade request, frames bounded, extra CAs trusted. */
export function openLink(url: string, token: string | undefined, ca: Buffer | string | undefined): WebSocket {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const ws = new WebSocket(url, {
    headers,
    maxPayload: MAX_CONTROLLER_FRAME_BYTES,
    generateMask: zeroMask,
    ...(ca ? { ca } : {}),
  });
  ws.binaryType = 'nodebuffer';
  return ws;
}

/** The local address of the socket under a WebSocket, once it is open. */
export function localAddress(ws: WebSocket): string | undefined {
  const socket = (ws as unknown as { _socket?: { localAddress?: string } })._socket;
  return socket?.localAddress;
}

/** A wait between attempts that `wake` ends early (the agent was stopped). */
export function backoff(ms: number): { over: Promise<void>; wake(): void } {
  let wake = (): void => {};
  const over = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { over, wake };
}

/** A close reason cut to what a close frame can carry (ws throws on a longer one). */
export function closeReason(text: string): string {
  // A character is at least a byte: cut to that many first, so a huge text (a hostile plan's error) costs nothing.
  let reason = text.slice(0, MAX_CLOSE_REASON);
  while (Buffer.byteLength(reason) > MAX_CLOSE_REASON) reason = reason.slice(0, -1);
  return reason;
}

/** The controller refused this agent (wrong token, protocol version, ...). */
export class AgentRejectedError extends Error {
  readonly code = 'AGENT_REJECTED';
}

/** The address names the wrong scheme: ws:// to a controller that speaks TLS, or wss:// to one that does not. */
export class ControllerMismatchError extends Error {
  readonly code = 'CONTROLLER_MISMATCH';
}

const TLS_REFUSALS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
// OpenSSL's words for an answer to its ClientHello that is not TLS (a plain server's `HTTP/1.1 400 ...`).
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request/i;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Why connecting to `url` failed for good, so that retrying is pointless: a certificate not trusted, or the
 * wrong scheme. Undefined when a retry may help (the controller is not up yet, the network is down). `opened`:
 * did the WebSocket get past its upgrade?
 */
export async function lastingFailure(
  url: string,
  err: NodeJS.ErrnoException,
  opened: boolean,
): Promise<Error | undefined> {
  if (TLS_REFUSALS.has(err.code ?? '')) {
    return new AgentRejectedError(`controller's certificate refused: ${err.message} (--ca?)`);
  }
  if (opened) return undefined;
  const address = new URL(url);
  if (address.protocol === 'wss:') {
    return NOT_TLS.test(err.message)
      ? new ControllerMismatchError(`${url} does not speak TLS: connect to ws://${address.host}`)
      : undefined;
  }
  // A TLS server hangs up on the HTTP upgrade request it cannot read, with no word: ask it for a handshake.
  const hungUp = err.code === 'ECONNRESET' || /^HPE_/.test(err.code ?? '');
  if (hungUp && (await speaksTls(address))) {
    return new ControllerMismatchError(`${url} speaks TLS: connect to wss://${address.host}`);
  }
  return undefined;
}

/** Does the server at this address complete a TLS handshake (whatever its certificate)? */
function speaksTls(address: URL): Promise<boolean> {
  const host = address.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(address.port || 80), rejectUnauthorized: false });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
