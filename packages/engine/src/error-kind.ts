/** Every way a request can end without a response; each failed request is counted under exactly one. */
export type ErrorKind =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'timeout'
  | 'EADDRNOTAVAIL'
  | 'EHOSTUNREACH'
  | 'DNS'
  | 'TLS'
  | 'protocol'
  | 'aborted'
  | 'EMFILE'
  | 'ENFILE'
  | 'other'
  /** An error no kind above covers, with the code (or error name) that says what it was: `other:ERR_X`. */
  | `other:${string}`;

/** The code an aborted run destroys its connections with, so in-flight requests count as `aborted`. */
export const ABORT_CODE = 'VOLLEY_ABORTED';

/** The code a request is aborted with when its whole exchange outlived the plan's timeout. */
export const TIMEOUT_CODE = 'VOLLEY_TIMEOUT';

/** At most this many kinds keep their first message: kinds are few, and this bounds the memory whatever happens. */
const MAX_FIRST_MESSAGES = 64;
const firstMessages = new Map<string, string>();

/**
 * Classifies an error once, where it happens, from its `code` (undici and Node system errors), and keeps the first
 * message of each kind this process sees (see firstErrorMessage): only the first error of a kind pays for it.
 */
export function classifyError(err: unknown): ErrorKind {
  const kind = kindOf(err);
  if (!firstMessages.has(kind) && firstMessages.size < MAX_FIRST_MESSAGES) {
    firstMessages.set(kind, String((err as Error | null)?.message ?? err).slice(0, 300));
  }
  return kind;
}

/** The message of the first error of this kind this process (this thread) classified, if it did. */
export function firstErrorMessage(kind: string): string | undefined {
  return firstMessages.get(kind);
}

/**
 * An engine thread's first messages of the kinds in `kinds`, for the thread that merges its intervals: posted
 * beside an interval so the agent's log has them as a one-thread run has.
 */
export function firstMessagesOf(kinds: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const kind of kinds) {
    const message = firstMessages.get(kind);
    if (message !== undefined) out.push([kind, message]);
  }
  return out;
}

/** Keeps a first message another thread classified, unless this thread has one of its own for the kind. */
export function noteFirstMessages(messages: ReadonlyArray<readonly [string, string]>): void {
  for (const [kind, message] of messages) {
    if (!firstMessages.has(kind) && firstMessages.size < MAX_FIRST_MESSAGES) firstMessages.set(kind, message);
  }
}

/**
 * `other`, with what names the error kept in the kind (`other:UND_ERR_INVALID_ARG`), so an unlisted cause is not
 * lost. Only printable characters, no spaces, and short: a kind crosses the wire as a short name (see wire.ts).
 */
function otherKind(name: unknown): ErrorKind {
  const cleaned = typeof name === 'string' ? name.replace(/[^\w.-]/g, '').slice(0, 40) : '';
  return cleaned === '' || cleaned === 'Error' ? 'other' : `other:${cleaned}`;
}

function kindOf(err: unknown): ErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    const name = (err as Error | null)?.name;
    // undici's HTTP/1.1 parser leaves `code` unset when a response is not HTTP at all (an SSH banner, garbage).
    return name === 'HTTPParserError' ? 'protocol' : otherKind(name);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'ECONNREFUSED';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'ECONNRESET';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case TIMEOUT_CODE:
      return 'timeout';
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'EADDRNOTAVAIL';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'EHOSTUNREACH';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return 'DNS';
    case ABORT_CODE:
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      return 'aborted';
    // Out of file descriptors: in this process (ulimit -n), or in the whole system. Not the target's fault.
    case 'EMFILE':
      return 'EMFILE';
    case 'ENFILE':
      return 'ENFILE';
    default:
      if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'EPROTO') {
        return 'TLS';
      }
      if (code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INFO') {
        return 'protocol';
      }
      return otherKind(code);
  }
}
