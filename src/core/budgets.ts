/**
 * Budgets: how the core counts work a peer forces on it (notes/dos-defences.md §4). A
 * {@link RateLimit} is a token bucket (nghttp2's rate limiters, hyper-h2's `counts.rs`); a
 * {@link CountLimit} a plain counter that the caller resets. Both are measured before the work
 * they guard is done, and answer "over budget" by returning false; the connection turns that
 * into GOAWAY(ENHANCE_YOUR_CALM) with the budget's name as debug data.
 *
 * Time comes from `clock()` in milliseconds (config `clock`, default `performance.now`): the
 * core reads a clock but sets no timer.
 */

/** `{ burst, perSecond }`: up to `burst` events at once, refilled at `perSecond`. */
export interface RateLimitOptions {
  readonly burst: number;
  readonly perSecond: number;
}

/** A token bucket: `take()` is false once more than `burst` events came faster than `perSecond`. */
export class RateLimit {
  #tokens: number;
  #last: number;

  constructor(
    readonly options: RateLimitOptions,
    /** Milliseconds: the bucket refills by it. */
    readonly clock: () => number,
  ) {
    this.#tokens = options.burst;
    this.#last = clock();
  }

  /** Takes one token; false when the bucket is empty (the limit is exceeded). */
  take(): boolean {
    const { burst, perSecond } = this.options;
    if (burst === Infinity) return true;
    const now = this.clock();
    const refill = ((now - this.#last) / 1000) * perSecond;
    if (refill > 0) {
      this.#tokens = Math.min(burst, this.#tokens + refill);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** A counter with a maximum; `Infinity` never trips. */
export class CountLimit {
  #count = 0;

  constructor(readonly max: number) {}

  get count(): number {
    return this.#count;
  }

  /** Counts one; false once the count exceeds the maximum. */
  take(): boolean {
    this.#count += 1;
    return this.#count <= this.max;
  }

  /** Gives one back (never below zero). */
  give(): void {
    if (this.#count > 0) this.#count -= 1;
  }

  reset(): void {
    this.#count = 0;
  }
}
