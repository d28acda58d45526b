/**
 * StreamActivity: what moves on one H2Stream (frames either way, writes), for the two limits
 * that watch it:
 * - node's `stream.setTimeout(ms)`: 'timeout' after `ms` without activity, armed again by the
 *   next (one timer, refreshed rather than re-created; unref'd, as a socket's is);
 * - the connection's streamIdleTimeout, which reads the count on each tick of its deadlines
 *   (counting per frame is cheaper than reading the clock per frame).
 * A stream makes one when the first of them asks (until then nobody reads what moved, so
 * there is nothing to count): most short streams never need one.
 */

export class StreamActivity {
  readonly #stream: { emit(event: 'timeout'): boolean };
  /** Counts what moved on the stream. */
  #count = 0;
  /** #count as the idle check last saw it, and since when it has stood still. */
  #seen = -1;
  #quietSince = 0;
  /** setTimeout's milliseconds; 0 or less: off. */
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(stream: { emit(event: 'timeout'): boolean }) {
    this.#stream = stream;
  }

  /** Something moved: counted, and setTimeout's quiet starts again. */
  touch(): void {
    this.#count++;
    if (this.#timeoutMs <= 0) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      return;
    }
    if (this.#timer !== null) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#stream.emit('timeout');
    }, this.#timeoutMs);
    this.#timer.unref();
  }

  /** DATA went to the core: counted for streamIdleTimeout (the write that carried it touched already). */
  sent(): void {
    this.#count++;
  }

  /** node's `setTimeout(ms)`: 'timeout' after `ms` without activity (0 disables). */
  setTimeout(ms: number): void {
    this.#timeoutMs = ms;
    this.touch();
  }

  /** Milliseconds nothing has moved as of `now` (streamIdleTimeout's tick). */
  idleFor(now: number): number {
    if (this.#count !== this.#seen) {
      this.#seen = this.#count;
      this.#quietSince = now;
    }
    return now - this.#quietSince;
  }

  /** Nothing moved since the last idleFor() (a 'timeout' listener may have written since). */
  get stillIdle(): boolean {
    return this.#count === this.#seen;
  }

  /** The stream is destroyed: its timer stops. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
  }
}
