// The wire contract between controller and agents: generated protobuf code, frame helpers, and every conversion
// of plans and intervals to and from the wire.
import './numbers.js';
import { volley } from '../gen/volley.js';

const pb = volley.v1;

/**
 * Bumped on any change that an older peer could not read; a mismatch is rejected naming both versions.
 * 2: open model (Plan.rate, Plan.stages, Interval.service_histogram, Interval.late), pipelining, HTTP/2 and
 * scenarios (Plan.endpoints, Interval.endpoints): a version-1 agent would have ignored them and run something else.
 * 3: Ready (agent -> controller after a Plan): a version-2 agent would never send it, and every run would wait.
 * 4: Plan.model (an enum) replaces `bool open`, so a third model is a new enum value; a version-3 agent would
 *    read every plan as closed.
 * 5: Plan.flow (journeys) and the flow figures of Interval: a version-4 agent would ignore the flow and send the
 *    plan's plain URL instead.
 * 6: every histogram of an Interval is HdrHistogram's plain V2 encoding, not its compressed one: inflating was a
 *    fifth of a controller's cost per report (2,000 agents, one report a second each). A version-5 controller
 *    would refuse every interval of a version-6 agent as a bad histogram.
 *    And Interval.class_buckets (latency by status class, in the Prometheus buckets): a version-5 agent's
 *    intervals would be refused for lacking them.
 */
export const PROTOCOL_VERSION = 6;

/** Largest frame either side accepts; an Interval with a full histogram is a few KiB. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/**
 * Largest frame an agent accepts from its controller: a Plan may carry a flow's test data (at most the plan's
 * MAX_DATA_BYTES of cells, plus their framing). What agents send stays within MAX_FRAME_BYTES.
 */
export const MAX_CONTROLLER_FRAME_BYTES = 24 * 1024 * 1024;

export type Hello = volley.v1.Hello;
export type Welcome = volley.v1.Welcome;
export type Reject = volley.v1.Reject;
export type WirePlan = volley.v1.Plan;
export type Start = volley.v1.Start;
export type Interval = volley.v1.Interval;
export type Finished = volley.v1.Finished;
export type Abort = volley.v1.Abort;
export type Heartbeat = volley.v1.Heartbeat;
export type Ready = volley.v1.Ready;

/** What each message kind decodes to. */
interface Decoded {
  hello: Hello;
  welcome: Welcome;
  reject: Reject;
  plan: WirePlan;
  start: Start;
  interval: Interval;
  finished: Finished;
  abort: Abort;
  heartbeat: Heartbeat;
  ready: Ready;
}

/** What each message kind may be built from (fields optional, defaults as in proto3). */
interface Encodable {
  hello: volley.v1.Hello.$Properties;
  welcome: volley.v1.Welcome.$Properties;
  reject: volley.v1.Reject.$Properties;
  plan: volley.v1.Plan.$Properties;
  start: volley.v1.Start.$Properties;
  interval: volley.v1.Interval.$Properties;
  finished: volley.v1.Finished.$Properties;
  abort: volley.v1.Abort.$Properties;
  heartbeat: volley.v1.Heartbeat.$Properties;
  ready: volley.v1.Ready.$Properties;
}

/** The name of a message kind: the `oneof body` case of an Envelope. */
export type Kind = keyof Decoded;

/** A decoded frame as a discriminated union on `kind`, for exhaustive switches. */
export type Message = { [K in Kind]: { kind: K; version: number; body: Decoded[K] } }[Kind];

/** A frame that could not be decoded; `code` is stable for callers and logs. */
export class ProtocolError extends Error {
  readonly code: 'MALFORMED_FRAME' | 'EMPTY_FRAME' | 'FRAME_TOO_LARGE';
  constructor(code: ProtocolError['code'], message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** Encodes one message into the bytes of one binary WebSocket frame. */
export function encode<K extends Kind>(kind: K, body: Encodable[K]): Uint8Array {
  const envelope: volley.v1.Envelope.$Properties = { protocolVersion: PROTOCOL_VERSION, [kind]: body };
  return pb.Envelope.encode(envelope).finish();
}

/**
 * Decodes one frame. Throws ProtocolError for anything that is not a well-formed Envelope with a body. `limit`
 * is the largest frame the receiver takes (an agent takes larger ones from its controller: a Plan's data).
 */
export function decode(data: Uint8Array, limit = MAX_FRAME_BYTES): Message {
  if (data.byteLength > limit) {
    throw new ProtocolError('FRAME_TOO_LARGE', `frame of ${data.byteLength} bytes exceeds ${limit}`);
  }
  let envelope: volley.v1.Envelope;
  try {
    envelope = pb.Envelope.decode(data);
  } catch (err) {
    throw new ProtocolError('MALFORMED_FRAME', `malformed frame: ${(err as Error).message}`);
  }
  const kind = envelope.body;
  if (kind === undefined) throw new ProtocolError('EMPTY_FRAME', 'frame carries no message');
  const body = envelope[kind];
  if (body == null) throw new ProtocolError('MALFORMED_FRAME', `frame names ${kind} but carries none`);
  return { kind, version: envelope.protocolVersion, body } as Message;
}

export { healthFromWire, healthToWire, MAX_CORES, MAX_LAG_MS, MAX_THREADS } from './health-wire.js';
export {
  BadIntervalError,
  intervalFromWire,
  intervalToWire,
  MAX_ERROR_KINDS,
  planFromWire,
  planToWire,
} from './wire.js';
