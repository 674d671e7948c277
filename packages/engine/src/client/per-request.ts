import type { Dispatcher, Client as UndiciClient } from 'undici';
import type { ClientStrategy, Connection } from './strategy.js';
import { Client } from './undici.js';

const ignore = (): void => {};

/**
 * A fresh connection for every request, closed once its response is read: what a new `requests.get` or a new
 * `aiohttp.ClientSession` per call costs. Each request pays a TCP (and TLS) handshake, and each closed socket
 * lingers in TIME_WAIT on this side, which at high rates can exhaust ephemeral ports (EADDRNOTAVAIL).
 */
export class PerRequestStrategy implements ClientStrategy {
  readonly name = 'per-request';
  constructor(
    private readonly origin: string,
    private readonly options: UndiciClient.Options,
  ) {}

  connect(): Connection {
    return new PerRequestConnection(this.origin, this.options);
  }
}

class PerRequestConnection implements Connection {
  private client: Client | null = null;

  constructor(
    private readonly origin: string,
    private readonly options: UndiciClient.Options,
  ) {}

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.client = new Client(this.origin, this.options);
    this.client.dispatch(options, handler);
  }

  settle(): void {
    const client = this.client;
    this.client = null;
    // Nothing is in flight any more, so close() ends the socket at once; no need to wait for it.
    client?.close(ignore);
  }

  async destroy(err: Error): Promise<void> {
    await this.client?.destroy(err);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
