import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { UsageError } from '../errors.js';

/** A place in a scenario file, as the file's keys and indexes: `['flow', 1, 'headers', 'x-id']`. */
export type FieldPath = Array<string | number>;

// Where a field the plan names is missing from the file, the one the user wrote instead.
const WRITTEN_AS: Record<string, string> = { body: 'bodyFile', path: 'url', url: 'path' };

/** Turns field paths into `file:line:col` of their YAML nodes, and mistakes into one-line UsageErrors there. */
export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** `file:line:col` of a text offset. */
  at(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  /** `file:line:col` of the field's value, or of the nearest part of its path the file holds. */
  where(path: FieldPath): string {
    return this.at(this.offset(path));
  }

  /** `file:line:col: field: message`, as a UsageError (exit 2). */
  error(path: FieldPath, message: string): UsageError {
    return new UsageError(`${this.where(path)}: ${fieldName(path) || 'scenario'}: ${message}`);
  }

  /** The text offset of the field: its value node, else a sibling it is written as, else its nearest ancestor. */
  offset(path: FieldPath): number {
    for (let n = path.length; n >= 0; n--) {
      const part = path.slice(0, n);
      const node = this.node(part);
      if (node?.range) return node.range[0];
      const last = part[part.length - 1];
      const instead = typeof last === 'string' ? WRITTEN_AS[last] : undefined;
      const sibling = instead ? this.node([...part.slice(0, -1), instead]) : undefined;
      if (sibling?.range) return sibling.range[0];
    }
    return 0;
  }

  /** The key node of `path`'s last part, for a mistake in a name rather than its value. */
  keyOffset(path: FieldPath): number {
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent && 'items' in parent) {
      const pair = (parent.items as Array<{ key?: YamlNode & { value?: unknown } }>).find((p) => p.key?.value === last);
      if (pair?.key?.range) return pair.key.range[0];
    }
    return this.offset(path);
  }

  private node(path: FieldPath): YamlNode | undefined {
    const node = (path.length === 0 ? this.doc.contents : this.doc.getIn(path, true)) as YamlNode | null | undefined;
    return node && typeof node === 'object' && 'range' in node ? node : undefined;
  }
}

/** `['flow', 1, 'headers', 'x-id']` → `flow[1].headers.x-id`. */
export function fieldName(path: FieldPath): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}
