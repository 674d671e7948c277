import type { AddressInfo } from 'node:net';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { decode, encode, type Kind, type Message, planToWire } from '@volley/protocol';
import WebSocket, { WebSocketServer } from 'ws';

/** A controller played by the test: it welcomes one agent, then sends what the test says, frame by frame. */
export interface FakeController {
  url: string;
  received: Message[];
  /** The agent's close frame: its code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first frame of this kind the agent sends (at once if it has already). */
  next<K extends Message['kind']>(kind: K): Promise<Extract<Message, { kind: K }>>;
  send<K extends Kind>(kind: K, body: Parameters<typeof encode<K>>[1]): void;
  /** Sends the Plan of this input as run `runId`. */
  plan(runId: string, input: PlanInput): void;
  /** Drops the connection without a close frame, as a controller that died would. */
  kill(): void;
  close(): Promise<void>;
}

/** Listens on loopback; heartbeats every 200 ms (unless `silent`), so the agent's dead-man switch stays quiet. */
export async function fakeController(options: { silent?: boolean } = {}): Promise<FakeController> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: Message[] = [];
  const waiting: Array<() => void> = [];
  let socket: WebSocket | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let onClose: (closed: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClose = resolve));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('close', (code, reason) => {
      clearInterval(heartbeat);
      onClose({ code, reason: reason.toString() });
    });
    ws.on('message', (data: Buffer) => {
      const msg = decode(data);
      received.push(msg);
      if (msg.kind === 'hello') ws.send(encode('welcome', { agentId: msg.body.agentId }));
      for (const wake of waiting.splice(0)) wake();
    });
    if (!options.silent) {
      heartbeat = setInterval(() => ws.send(encode('heartbeat', { sentAtMs: Date.now() })), 200);
    }
  });
  const send: FakeController['send'] = (kind, body) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(encode(kind, body));
  };
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    closed,
    async next(kind) {
      for (;;) {
        const found = received.find((m) => m.kind === kind);
        if (found) return found as never;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    send,
    plan: (runId, input) => send('plan', planToWire(resolvePlan({ intervalMs: 200, ...input }), runId)),
    kill: () => socket?.terminate(),
    close: () => {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
