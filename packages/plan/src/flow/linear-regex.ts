// A capture's regex runs on an agent, against a body of up to 1 MiB, and it comes from the controller: a pattern
// that backtracks for ever (`^(a+)+$`) would hold the agent's event loop, its heartbeats and its stop. V8 can run
// a regex that backtracks too much on its linear-time engine instead (the engine turns that on, see
// @volley/engine's linear-regex.ts), but that engine cannot run backreferences or lookarounds: those are refused
// here, on the controller when the scenario is read and again on the agent when the plan arrives.

/** Why `source` cannot be guaranteed linear time, or undefined if it can. */
export function nonLinearFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      // Inside a class, \1 is an octal escape and \k a letter: no backreference there.
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return 'a named backreference (\\k<...>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) return `a lookahead (${source.slice(i, i + 3)})`;
      if (kind === '<=' || kind === '<!') return `a lookbehind (${source.slice(i, i + 4)})`;
    }
  }
  return undefined;
}
