import { Client, type Dispatcher } from 'undici';
import type { ClientStrategy, Connection } from './strategy.js';

/**
 * Keep-alive connections reused for the whole run: each undici Client is one socket, shared by
 * `slotsPerConnection` consecutive slots (1 unless pipelining or HTTP/2 streams), so a run with N connections
 * opens N sockets and keeps them, reconnecting only after the server closes one.
 */
export class PooledStrategy implements ClientStrategy {
  readonly name = 'pooled';
  private client: Client | undefined;
  private slots = 0;

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
    private readonly slotsPerConnection = 1,
  ) {}

  connect(): Connection {
    if (this.client === undefined || this.slots === this.slotsPerConnection) {
      this.client = new Client(this.origin, this.options);
      this.slots = 0;
    }
    this.slots++;
    return new PooledConnection(this.client);
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
