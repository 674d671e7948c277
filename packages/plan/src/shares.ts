/** Divides `total` into `n` whole shares that add up to it exactly; the first `total % n` get one more. */
export function shares(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  const extra = total % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}
