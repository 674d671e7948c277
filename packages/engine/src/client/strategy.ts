import type { ClientName } from '@volley/plan';
import type { Dispatcher } from 'undici';

/** One slot of concurrency: at most one request in flight through it at a time. */
export interface Connection {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void;
  /** The request dispatched last has ended, with a response or an error. */
  settle(): void;
  /** Ends the connection now; a request in flight fails with `err`. */
  destroy(err: Error): Promise<void>;
  /** Ends the connection once nothing is in flight. */
  close(): Promise<void>;
}

/** How connections are made and reused: the one plug point for client behaviour (undici's Dispatcher, smaller). */
export interface ClientStrategy {
  readonly name: ClientName;
  /** A new slot of concurrency for one loop. */
  connect(): Connection;
  /** Opens this many sockets ahead of the run, for strategies that keep theirs; resolves once each is settled. */
  preconnect?(sockets: number): Promise<void>;
  /** Closes what `preconnect` opened and no connection took. */
  release?(): void;
}
