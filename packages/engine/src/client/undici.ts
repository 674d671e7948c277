// The parts of undici the client strategies use, loaded on their own: `undici`'s index also loads fetch, its
// cookies, WebSocket, EventSource, caches and mocks, which was a sixth of `volley run -n 1`'s wall time
// (issue 19, goal 4). undici has no `exports` map, so these paths are public; the engine's tests go through them.
// Typed as undici's own exports, so no declaration of ours leaks into the built types.
import type * as undici from 'undici';
import connect from 'undici/lib/core/connect.js';
import ClientClass from 'undici/lib/dispatcher/client.js';

export const Client: typeof undici.Client = ClientClass;
export type Client = undici.Client;
export const buildConnector: typeof undici.buildConnector = connect;
