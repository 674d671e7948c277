import type { Socket } from 'node:net';
import type { buildConnector as BuildConnector, Dispatcher, Client as UndiciClient } from 'undici';
import type { ClientStrategy, Connection } from './strategy.js';
import { buildConnector, Client } from './undici.js';

/**
 * Keep-alive connections reused for the whole run: each undici Client is one socket, shared by
 * `slotsPerConnection` consecutive slots (1 unless pipelining or HTTP/2 streams), so a run with N connections
 * opens N sockets and keeps them, reconnecting only after the server closes one.
 *
 * `preconnect` opens the sockets before the run starts (between the Plan and the Start), so the first requests
 * neither wait for handshakes nor have them in their latency, and an open-model schedule starts on time. The
 * Clients take those sockets, in order, through their `connect` hook; a socket the server closed meanwhile is
 * replaced by a fresh connection, so the number of sockets is the same either way.
 */
export class PooledStrategy implements ClientStrategy {
  readonly name = 'pooled';
  private client: Client | undefined;
  private slots = 0;
  private readonly options: UndiciClient.Options;
  private readonly connector: BuildConnector.connector;
  /** Sockets opened ahead, oldest first: each resolves to the socket, or null if it could not connect. */
  private readonly opened: Array<Promise<Socket | null>> = [];

  constructor(
    private readonly origin: string,
    options: UndiciClient.Options,
    private readonly slotsPerConnection = 1,
  ) {
    const { connect, allowH2 } = options;
    this.connector = buildConnector({ ...(connect as BuildConnector.BuildOptions), allowH2: allowH2 ?? false });
    const connector: BuildConnector.connector = (opts, callback) => {
      const next = this.opened.shift();
      if (!next) return this.connector(opts, callback);
      next.then((socket) => {
        if (socket && !socket.destroyed && socket.readyState === 'open') callback(null, socket);
        else this.connector(opts, callback);
      });
    };
    this.options = { ...options, connect: connector };
  }

  connect(): Connection {
    if (this.client === undefined || this.slots === this.slotsPerConnection) {
      this.client = new Client(this.origin, this.options);
      this.slots = 0;
    }
    this.slots++;
    return new PooledConnection(this.client);
  }

  /** Opens `sockets` connections now; resolves when each has connected or failed (failures are retried later). */
  async preconnect(sockets: number): Promise<void> {
    const url = new URL(this.origin);
    // As undici's Client does: an IPv6 literal without its brackets.
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const target = { host: url.host, hostname, protocol: url.protocol, port: url.port };
    for (let i = 0; i < sockets; i++) {
      this.opened.push(
        new Promise((resolve) => this.connector(target, (err, socket) => resolve(err ? null : (socket as Socket)))),
      );
    }
    await Promise.all(this.opened);
  }

  /** Closes sockets opened ahead that no Client took (a run that ended or was aborted before using them). */
  release(): void {
    for (const next of this.opened.splice(0)) next.then((socket) => socket?.destroy());
  }
}

class PooledConnection implements Connection {
  constructor(private readonly client: Client) {}

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.client.dispatch(options, handler);
  }

  settle(): void {}

  destroy(err: Error): Promise<void> {
    return this.client.destroy(err);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
