/**
 * Conditions the run phases wait on, re-checked whenever the state they read may have moved: one small
 * mechanism in place of a one-shot callback per phase.
 */
export class Conditions {
  private readonly waiting = new Set<() => void>();

  /**
   * Resolves true once `done()` holds, or false after `timeoutMs` (0: no limit). Checked at once, then on every
   * `changed()`.
   */
  until(done: () => boolean, timeoutMs = 0): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        if (!done()) return;
        this.waiting.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          this.waiting.delete(check);
          resolve(false);
        }, timeoutMs);
      }
      this.waiting.add(check);
    });
  }

  /** Something a condition reads has changed: re-check them all. */
  changed(): void {
    for (const check of [...this.waiting]) check();
  }
}
