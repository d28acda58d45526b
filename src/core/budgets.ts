/**
 * Budgets: how the core counts work a peer forces on it (docs/security.md). A {@link RateLimit}
 * is a token bucket (nghttp2's rate limiters), a {@link CountLimit} a plain counter that the
 * caller resets (hyperium/h2 `src/proto/streams/counts.rs`), and {@link PeerBudgets} the set one
 * connection keeps. Each is measured before the work it guards is done; a spent budget throws a
 * {@link DenialOfServiceError} whose `debugData` names it, which the connection answers with
 * GOAWAY(ENHANCE_YOUR_CALM) carrying that name.
 *
 * Time comes from `clock()` in milliseconds (config `clock`, default `performance.now`): the
 * core reads a clock but sets no timer.
 */
import { DenialOfServiceError } from '../errors.js';
import type { H2Configuration } from './config.js';
import type { RateLimitOptions } from './limits.js';

export type { RateLimitOptions } from './limits.js';

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

  /** Takes `count` tokens (default one); false when the bucket has fewer (the limit is exceeded). */
  take(count = 1): boolean {
    const { burst, perSecond } = this.options;
    if (burst === Infinity) return true;
    const now = this.clock();
    const refill = ((now - this.#last) / 1000) * perSecond;
    if (refill > 0) {
      this.#tokens = Math.min(burst, this.#tokens + refill);
      this.#last = now;
    }
    if (this.#tokens < count) return false;
    this.#tokens -= count;
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

/**
 * The budgets of one connection, one verb each. Every verb counts one unit of work and throws
 * {@link DenialOfServiceError} (its `debugData` the GOAWAY debug string) when that unit is over
 * the budget; the connection turns the error into GOAWAY(ENHANCE_YOUR_CALM).
 */
export class PeerBudgets {
  readonly #config: H2Configuration;
  // Each made by the first unit it counts: most connections never count any (an idle
  // connection held six of them and their numbers, ~0.4 KiB). A bucket made late starts full,
  // as one made with the connection would be by then.
  #resets: RateLimit | null = null;
  #glitches: RateLimit | null = null;
  #localResets: CountLimit | null = null;
  #refused: CountLimit | null = null;
  #pendingResets: CountLimit | null = null;
  #smallDataFrames: RateLimit | null = null;

  constructor(config: H2Configuration) {
    this.#config = config;
  }

  /** RST_STREAM received on a stream the peer opened (Rapid Reset, CVE-2023-44487: `resetRateLimit`). */
  peerReset(): void {
    if (!(this.#resets ??= new RateLimit(this.#config.resetRateLimit, this.#config.clock)).take()) throw new DenialOfServiceError('too_many_resets: RST_STREAM rate limit (resetRateLimit) exceeded', { debugData: 'too_many_resets' });
  }

  /**
   * A request the peer opened and reset within the same `receiveData()` call: the application
   * never saw it (hyperium/h2's "pending accept" resets: `maxPendingResetStreams` per call).
   */
  pendingReset(): void {
    const pending = (this.#pendingResets ??= new CountLimit(this.#config.maxPendingResetStreams));
    if (!pending.take()) {
      throw new DenialOfServiceError(`too_many_resets: ${pending.count} requests reset before they were accepted (maxPendingResetStreams)`, { debugData: 'too_many_resets' });
    }
  }

  /** A new `receiveData()` call: the requests of the last one have reached the application. */
  newReceiveCall(): void {
    this.#pendingResets?.reset();
  }

  /**
   * One frame that costs work and carries nothing (`glitchRateLimit`), or `count` frames' worth
   * (a refused header block counts one per KiB it took to decode).
   */
  glitch(count = 1): void {
    if (!(this.#glitches ??= new RateLimit(this.#config.glitchRateLimit, this.#config.clock)).take(count)) throw new DenialOfServiceError('too_many_glitches: empty, unknown, priority or late frames over glitchRateLimit', { debugData: 'too_many_glitches' });
  }

  /** One RST_STREAM we send because of the peer (`maxLocalErrorResets`; MadeYouReset, CVE-2025-8671). */
  localReset(): void {
    const local = (this.#localResets ??= new CountLimit(this.#config.maxLocalErrorResets));
    if (!local.take()) {
      throw new DenialOfServiceError(`too_many_local_resets: ${local.count} streams reset for peer errors (maxLocalErrorResets)`, { debugData: 'too_many_local_resets' });
    }
  }

  /** One more new peer stream refused in a row (`maxRefusedStreams`). */
  refusedStream(): void {
    const refused = (this.#refused ??= new CountLimit(this.#config.maxRefusedStreams));
    if (!refused.take()) {
      throw new DenialOfServiceError(`too_many_refused_streams: ${refused.count} streams refused in a row (maxRefusedStreams)`, { debugData: 'too_many_refused_streams' });
    }
  }

  /** A new peer stream was admitted: the run of refusals is over. */
  streamAdmitted(): void {
    this.#refused?.reset();
  }

  /** One DATA frame the peer's tiny window forces us to send small (Data Dribble, CVE-2019-9511: `smallDataFrameRateLimit`). */
  smallDataFrame(): void {
    if (!(this.#smallDataFrames ??= new RateLimit(this.#config.smallDataFrameRateLimit, this.#config.clock)).take()) {
      throw new DenialOfServiceError('data_dribble: the peer keeps the flow-control window tiny (smallDataFrameRateLimit)', { debugData: 'data_dribble' });
    }
  }
}
