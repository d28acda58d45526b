/**
 * Bounded memory of how streams closed (h2 `_closed_streams`, a SizeLimitDict): late frames
 * for a stream we reset are answered with RST_STREAM, frames for one that ended normally are
 * a connection error. The oldest entries are forgotten first, so memory stays bounded
 * however many streams a connection opens.
 */
import type { StreamClosedBy } from './stream-state.js';

export class ClosedStreams {
  readonly #byId = new Map<number, StreamClosedBy | null>();
  /**
   * Stream ids in the order they were remembered: a ring once it holds `maxEntries`, so the
   * oldest is found without an iterator. Grown as needed (not preallocated: most connections
   * close a handful of streams, and 65536 slots would cost 512 KiB each).
   */
  readonly #order: number[] = [];
  #head = 0;

  constructor(readonly maxEntries: number) {}

  remember(streamId: number, closedBy: StreamClosedBy | null): void {
    if (this.maxEntries <= 0) return;
    if (this.#byId.has(streamId)) {
      // Stream ids are remembered once each; a repeat only updates how it closed.
      this.#byId.set(streamId, closedBy);
      return;
    }
    if (this.#order.length < this.maxEntries) {
      this.#order.push(streamId);
    } else {
      this.#byId.delete(this.#order[this.#head] ?? 0);
      this.#order[this.#head] = streamId;
      this.#head = (this.#head + 1) % this.#order.length;
    }
    this.#byId.set(streamId, closedBy);
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
