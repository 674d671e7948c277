// Numbers as people read them in reports: counts, rates, milliseconds, bytes, durations (en-US, fixed precision).

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 12,345 */
export const count = (n: number): string => integer.format(n);

/** 12,345.6 */
export const rate = (n: number): string => decimal.format(n);

/** Milliseconds with three significant figures at most: 0.123, 12.3, 1,234 */
export function millis(ms: number): string {
  if (ms >= 100) return integer.format(ms);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(ms >= 1 ? 2 : 3);
}

/** 1.2 MB */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** 10s, 1m30s, 250ms */
export function duration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(2))}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m}m${rest}s` : `${m}m`;
}
