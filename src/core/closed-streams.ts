/**
 * Bounded memory of how streams closed (h2 `_closed_streams`, a SizeLimitDict): late frames
 * for a stream we reset are answered with RST_STREAM, frames for one that ended normally are
 * a connection error. The oldest entries are forgotten first, so memory stays bounded
 * however many streams a connection opens.
 */
import type { StreamClosedBy } from './stream-state.js';

export class ClosedStreams {
  readonly #byId = new Map<number, StreamClosedBy | null>();

  constructor(readonly maxEntries: number) {}

  remember(streamId: number, closedBy: StreamClosedBy | null): void {
    this.#byId.delete(streamId);
    this.#byId.set(streamId, closedBy);
    // Map iteration order is insertion order: the first key is the oldest.
    while (this.#byId.size > this.maxEntries) {
      const oldest = this.#byId.keys().next();
      if (oldest.done === true) break;
      this.#byId.delete(oldest.value);
    }
  }

  has(streamId: number): boolean {
    return this.#byId.has(streamId);
  }

  /** How the stream closed, or undefined if it is not remembered. */
  closedBy(streamId: number): StreamClosedBy | null | undefined {
    return this.#byId.get(streamId);
  }

  get size(): number {
    return this.#byId.size;
  }
}
