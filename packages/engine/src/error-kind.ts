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
  | 'other';

/** The code an aborted run destroys its connections with, so in-flight requests count as `aborted`. */
export const ABORT_CODE = 'VOLLEY_ABORTED';

/** The code a request is aborted with when its whole exchange outlived the plan's timeout. */
export const TIMEOUT_CODE = 'VOLLEY_TIMEOUT';

/** Classifies an error once, where it happens, from its `code` (undici and Node system errors). */
export function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  // undici's HTTP/1.1 parser leaves `code` unset when a response is not HTTP at all (an SSH banner, garbage).
  if (typeof code !== 'string') return (err as Error | null)?.name === 'HTTPParserError' ? 'protocol' : 'other';
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
    default:
      if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'EPROTO') {
        return 'TLS';
      }
      if (code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INFO') {
        return 'protocol';
      }
      return 'other';
  }
}
