// What the undici peers (undici-dispatch.mjs, undici-open-loop.mjs) hand Client.dispatch: a reused handler that
// reads nothing of a response; each says what the end of a request does.

/** A dispatch handler that discards the response; `done` hears its end, `failed` a request that failed. */
export class DiscardingHandler {
  constructor(client, done, failed) {
    this.client = client;
    this.onComplete = done;
    this.onError = failed;
  }
  onConnect() {}
  onHeaders() {
    return true;
  }
  onData() {
    return true;
  }
}
