// An agent played by the test over a raw WebSocket, and a logger the test can read: for frames and timings a
// well-behaved agent never produces.
import { type IntervalData, Recorder } from '@volley/metrics';
import { decode, encode, intervalToWire, type Kind } from '@volley/protocol';
import { pino } from 'pino';
import WebSocket from 'ws';

export const TOKEN = 'test-token';

/** A pino logger that keeps every line, so a test can read what the controller said and why. */
export function keptLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'warn' },
    { write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/** The wire form of interval `seq` (1 s long) holding `requests` responses of status 200. */
export function intervalOf(seq: number, requests: number): IntervalData {
  const rec = new Recorder();
  for (let i = 0; i < requests; i++) rec.recordResponse(200, 1000 + i, 10, 100);
  return rec.snapshot(seq, seq * 1000, (seq + 1) * 1000);
}

/** Answers the Plan with Ready and echoes heartbeats; sends exactly what the test tells it to. */
export class FakeAgent {
  runId = '';
  readonly started: Promise<void>;
  /** Resolves with the close code once the connection ends. */
  readonly closed: Promise<number>;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    this.started = new Promise((resolve) => {
      ws.on('message', (data: Buffer) => {
        const msg = decode(data);
        if (msg.kind === 'plan') {
          this.runId = msg.body.runId;
          ws.send(encode('ready', { runId: this.runId }));
        } else if (msg.kind === 'heartbeat') {
          ws.send(encode('heartbeat', { sentAtMs: msg.body.sentAtMs }));
        } else if (msg.kind === 'start') {
          resolve();
        }
      });
    });
  }

  static async join(url: string, name: string): Promise<FakeAgent> {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const agent = new FakeAgent(ws);
    ws.send(encode('hello', { agentId: name, name, version: 'test' }));
    return agent;
  }

  /** Sends one frame; resolves once it has been handed to the kernel. */
  send<K extends Kind>(kind: K, body: Parameters<typeof encode<K>>[1]): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(encode(kind, body), (err) => (err ? reject(err) : resolve())));
  }

  /** Sends `data` as an interval of this run, after `spoil` has had its way with the wire form. */
  report(data: IntervalData, spoil?: (wire: ReturnType<typeof intervalToWire>) => void): Promise<void> {
    const wire = intervalToWire(this.runId, data);
    spoil?.(wire);
    return this.send('interval', wire);
  }

  finish(durationMs = 3000): Promise<void> {
    return this.send('finished', { runId: this.runId, intervals: 0, requests: 0, durationMs });
  }

  kill(): void {
    this.ws.terminate();
  }
}
