/** A send (or an iteration's start) this much later than its intended time counts as late: the rate was not held. */
export const LATE_AFTER_US = 10_000;
