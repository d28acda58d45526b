/**
 * Bounded memory of how streams closed (h2 `_closed_streams`): late frames for a stream we
 * reset are answered with RST_STREAM, frames after the peer's END_STREAM are a connection
 * error. Each record is kept for `ms` milliseconds and at most `max` at once, oldest
 * forgotten first (`resetStreamRetention` in docs/security.md, hyperium/h2's
 * reset-stream expiry): only frames already in flight when the stream closed need it, and a
 * peer that closes streams fast must not grow it. A forgotten stream is answered as h2
 * answers one that fell out of its record: DATA gets RST_STREAM(STREAM_CLOSED) with its
 * connection window credited back, WINDOW_UPDATE, RST_STREAM and PRIORITY are ignored, and a
 * HEADERS is a new stream id below the highest (PROTOCOL_ERROR, RFC 9113 §5.1.1). No new
 * state is made for any of them.
 */
import type { StreamClosedBy } from './stream-state.js';
import { EMPTY_STREAM_TABLE, StreamTable } from './stream-table.js';

/** The index of every record that holds nothing: shared, never written. */
const NOTHING = EMPTY_STREAM_TABLE as StreamTable<StreamClosedBy | null>;

/** `{ max, ms }`: records kept at once and how long each is kept (Infinity: no bound). */
export interface RetentionOptions {
  readonly max: number;
  readonly ms: number;
}

/** The ring's first capacity; it doubles as records accumulate, never beyond `max`. */
const INITIAL_CAPACITY = 8;

export class ClosedStreams {
  /** How each remembered stream closed, by id (a StreamTable: records come and go all the time). */
  #byId = NOTHING;
  /**
   * Stream ids and when they were remembered, a ring of `#byId.size` records from `#head` on,
   * oldest first; null while empty (an idle connection keeps none). Typed arrays of at most
   * `max` slots: growable JS arrays compacted every 1024 forgotten slots held ~20 KiB per busy
   * connection for the default 50 records, all of it in the old generation.
   */
  #ids: Uint32Array | null = null;
  #times: Float64Array | null = null;
  #head = 0;

  constructor(
    readonly retention: RetentionOptions,
    readonly clock: () => number,
  ) {}

  remember(streamId: number, closedBy: StreamClosedBy | null): void {
    if (!(this.retention.max >= 1)) return;
    const now = this.clock();
    this.#expire(now);
    if (this.#byId.has(streamId)) {
      // Stream ids are remembered once each; a repeat only updates how it closed.
      this.#byId.set(streamId, closedBy);
      return;
    }
    if (this.#byId.size >= this.retention.max) this.#forgetOldest();
    const count = this.#byId.size;
    let ids = this.#ids;
    let times = this.#times;
    if (ids === null || times === null || count === ids.length) [ids, times] = this.#grow(count);
    const at = (this.#head + count) % ids.length;
    ids[at] = streamId;
    times[at] = now;
    (this.#byId === NOTHING ? (this.#byId = new StreamTable()) : this.#byId).set(streamId, closedBy);
  }

  has(streamId: number): boolean {
    return this.closedBy(streamId) !== undefined;
  }

  /** How the stream closed, or undefined if it is not (or no longer) remembered. */
  closedBy(streamId: number): StreamClosedBy | null | undefined {
    if (this.#byId.size === 0) return undefined;
    this.#expire(this.clock());
    return this.#byId.get(streamId);
  }

  /** Forgets what expired and lets go of the storage once nothing is left (an idle connection keeps none). */
  compact(): void {
    this.#expire(this.clock());
    if (this.#byId.size > 0) return;
    this.#byId = NOTHING;
    this.#ids = null;
    this.#times = null;
    this.#head = 0;
  }

  get size(): number {
    return this.#byId.size;
  }

  #expire(now: number): void {
    const { ms } = this.retention;
    if (ms === Infinity) return;
    const times = this.#times;
    if (times === null) return;
    while (this.#byId.size > 0 && now - (times[this.#head] ?? now) > ms) this.#forgetOldest();
  }

  /** Forgets the oldest record. */
  #forgetOldest(): void {
    const ids = this.#ids;
    if (ids === null || this.#byId.size === 0) return;
    this.#byId.delete(ids[this.#head] ?? 0);
    this.#head = this.#byId.size === 0 ? 0 : (this.#head + 1) % ids.length;
  }

  /** A ring twice as large (at most `max` slots) holding the `count` records, oldest at 0. */
  #grow(count: number): [Uint32Array, Float64Array] {
    const capacity = Math.min(Math.max(INITIAL_CAPACITY, count * 2), Math.ceil(this.retention.max));
    const ids = new Uint32Array(capacity);
    const times = new Float64Array(capacity);
    const oldIds = this.#ids;
    const oldTimes = this.#times;
    if (oldIds !== null && oldTimes !== null) {
      for (let i = 0; i < count; i++) {
        const from = (this.#head + i) % oldIds.length;
        ids[i] = oldIds[from] ?? 0;
        times[i] = oldTimes[from] ?? 0;
      }
    }
    this.#ids = ids;
    this.#times = times;
    this.#head = 0;
    return [ids, times];
  }
}
