import { PlanError } from '../errors.js';

/** A parsed JSON path: the keys and indexes from the root, `$.a.b[0]` → ['a', 'b', 0]. */
export type JsonPath = Array<string | number>;

/**
 * Parses the JSON paths captures and checks use: `$`, `.key`, `[0]`, `['key']` or `["key"]`; no wildcards or
 * filters (a capture takes one value). Throws PlanError.
 */
export function parseJsonPath(text: string): JsonPath {
  const bad = (why: string) => new PlanError('INVALID_JSON_PATH', `${JSON.stringify(text)}: ${why}`);
  if (!text.startsWith('$')) throw bad('a JSON path starts with $, like $.token or $.items[0].id');
  const path: JsonPath = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(text.slice(i + 1));
      if (!m) throw bad(`a name after "." at ${i + 1}`);
      path.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const m = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(text.slice(i));
      if (!m) throw bad(`an index like [0] or a key like ['a b'] at ${i + 1}`);
      path.push(m[1] !== undefined ? Number(m[1]) : ((m[2] ?? m[3]) as string));
      i += m[0].length;
    } else {
      throw bad(`unexpected ${JSON.stringify(c)} at ${i + 1}`);
    }
  }
  return path;
}

/** The value at `path` in `value`, or undefined where the path leads nowhere. */
export function readJsonPath(value: unknown, path: JsonPath): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    if (typeof key === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[key];
    } else {
      if (Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
      at = (at as Record<string, unknown>)[key];
    }
  }
  return at;
}
