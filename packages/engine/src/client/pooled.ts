import { Client, type Dispatcher } from 'undici';
import type { ClientStrategy, Connection } from './strategy.js';

/**
 * Keep-alive connections reused for the whole run: each loop owns one undici Client (one socket, pipelining 1),
 * so a run with N connections opens N sockets and keeps them, reconnecting only after the server closes one.
 */
export class PooledStrategy implements ClientStrategy {
  readonly name = 'pooled';
  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
  ) {}

  connect(): Connection {
    return new PooledConnection(new Client(this.origin, this.options));
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
