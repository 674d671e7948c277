interface Cookie {
  value: string;
  /** Host the cookie was set by, or the Domain it names (then it also goes to subdomains). */
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** ms since the epoch; Infinity for a session cookie. */
  expires: number;
}

/**
 * A virtual user's cookies (RFC 6265, the parts a load test meets): Set-Cookie stores, Max-Age/Expires in the past
 * deletes, Domain and Path scope a cookie, Secure keeps it to https. Emptied at the start of each iteration.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Cookie>();

  get size(): number {
    return this.cookies.size;
  }

  clear(): void {
    this.cookies.clear();
  }

  /** Stores one Set-Cookie header received from `host` for a request to `path`. */
  store(header: string, host: string, path: string, now = Date.now()): void {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const cookie: Cookie = {
      value: pair.slice(eq + 1).trim(),
      domain: host,
      hostOnly: true,
      path: defaultPath(path),
      secure: false,
      expires: Number.POSITIVE_INFINITY,
    };
    for (const attribute of attributes) {
      const at = attribute.indexOf('=');
      const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const value = at < 0 ? '' : attribute.slice(at + 1).trim();
      if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.expires = now + Number(value) * 1000;
      else if (key === 'expires' && cookie.expires === Number.POSITIVE_INFINITY) {
        const t = Date.parse(value);
        if (!Number.isNaN(t)) cookie.expires = t;
      } else if (key === 'domain' && value) {
        const domain = value.replace(/^\./, '').toLowerCase();
        // A server may only widen a cookie to a domain it belongs to.
        if (host !== domain && !host.endsWith(`.${domain}`)) return;
        cookie.domain = domain;
        cookie.hostOnly = false;
      } else if (key === 'path' && value.startsWith('/')) cookie.path = value;
      else if (key === 'secure') cookie.secure = true;
    }
    const key = `${name}\u0000${cookie.domain}\u0000${cookie.path}`;
    if (cookie.expires <= now) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }

  /** The Cookie header for a request, or undefined when no cookie applies. */
  header(host: string, path: string, https: boolean, now = Date.now()): string | undefined {
    let out: string | undefined;
    for (const [key, c] of this.cookies) {
      if (c.expires <= now) {
        this.cookies.delete(key);
        continue;
      }
      if (c.secure && !https) continue;
      if (c.hostOnly ? host !== c.domain : host !== c.domain && !host.endsWith(`.${c.domain}`)) continue;
      if (!pathMatches(path, c.path)) continue;
      const pair = `${key.slice(0, key.indexOf('\u0000'))}=${c.value}`;
      out = out === undefined ? pair : `${out}; ${pair}`;
    }
    return out;
  }
}

/** The directory of the request path, as a cookie without a Path attribute gets it. */
function defaultPath(requestPath: string): string {
  const path = requestPath.split('?')[0] ?? '/';
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  const path = requestPath.split('?')[0] ?? '/';
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}
