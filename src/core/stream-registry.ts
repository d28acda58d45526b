/**
 * StreamRegistry: the streams of one connection by id (h2 `connection.py` `streams`,
 * `_begin_new_stream`, `_get_stream_by_id`, `_open_streams`, `_stream_closed_by`).
 *
 * Owns the RFC 9113 §5.1.1 identifier rules: which side opens odd and even ids, that a new id
 * is above every id already used (the highest ids either way are kept here), and that a
 * stream above the highest id is idle while one at or below it that is not known is closed.
 * Closed streams leave the map for the bounded {@link ClosedStreams} record when the open ones
 * are counted, so how a stream closed is known for a while after it is gone.
 *
 * Does not: change a stream's state (stream-state.ts does), or decide how frames on closed
 * streams are answered (frame-receiver.ts does, from {@link StreamRegistry.closedBy}).
 */
import { NoSuchStreamError, ProtocolError, StreamClosedError, StreamIDTooLowError } from '../errors.js';
import { ClosedStreams } from './closed-streams.js';
import type { H2Configuration } from './config.js';
import type { Settings } from './settings.js';
import { Stream } from './stream.js';
import { StreamClosedBy, StreamState } from './stream-state.js';
import { EMPTY_STREAM_TABLE, StreamTable } from './stream-table.js';

/**
 * Closed streams leave the stream map (for the bounded ClosedStreams record) when the open
 * streams are counted; counting is skipped while the map is smaller than MAX_CONCURRENT_STREAMS,
 * and forced once it holds this many, so the map stays small whatever the peer's limit (and
 * once PRUNE_SLACK more streams have been added since the last count, see
 * {@link StreamRegistry.countOpenNear}).
 */
export const PRUNE_AT = 128;

/** How many streams the map may gain after a walk before {@link StreamRegistry.countOpenNear} walks it again. */
const PRUNE_SLACK = 16;

/** The map of every registry with no stream in it: shared, never written. */
const NO_STREAMS = EMPTY_STREAM_TABLE as StreamTable<Stream>;

/**
 * What {@link StreamRegistry.countOpen}'s sweep counts and collects into (one shared object:
 * no closure per count). The table is walked in its own order, but the closed record forgets
 * oldest first, so closed streams are collected and remembered in id order afterwards (h2
 * walks its `streams` dict in insertion order): each as `id * 8 + how it closed`, so one
 * numeric sort orders them with nothing allocated per stream.
 */
interface OpenCount {
  parity: number;
  count: number;
  /** Closed streams of this sweep, encoded (see above), in the first `retiredCount` slots; grows by doubling, kept between sweeps. */
  retired: Float64Array;
  retiredCount: number;
}
const OPEN_COUNT: OpenCount = { parity: 0, count: 0, retired: new Float64Array(64), retiredCount: 0 };
/** The low 3 bits of a retired entry: StreamClosedBy (0..3), or this for null (closed implicitly). */
const CLOSED_IMPLICITLY = 7;
/** Those bits back to how the stream closed (CLOSED_IMPLICITLY is past the end: null). */
const CLOSED_BY: readonly StreamClosedBy[] = [StreamClosedBy.SEND_END_STREAM, StreamClosedBy.RECV_END_STREAM, StreamClosedBy.SEND_RST_STREAM, StreamClosedBy.RECV_RST_STREAM];

/** One stream of the sweep: a closed one is collected for the closed record (true: delete it); an open one of the parity counts. */
function countOrRetire(c: OpenCount, stream: Stream, id: number): boolean {
  if (stream.closed) {
    if (c.retiredCount === c.retired.length) {
      const grown = new Float64Array(c.retired.length * 2);
      grown.set(c.retired);
      c.retired = grown;
    }
    c.retired[c.retiredCount++] = id * 8 + (stream.machine.closedBy ?? CLOSED_IMPLICITLY);
    return true;
  }
  if (id % 2 === c.parity && stream.open) c.count += 1;
  return false;
}

export class StreamRegistry {
  /** The highest stream id the peer used. h2: `highest_inbound_stream_id`. */
  highestInboundStreamId = 0;
  /** The highest stream id we used. h2: `highest_outbound_stream_id`. */
  highestOutboundStreamId = 0;

  /** NO_STREAMS while empty after compact() (an idle connection holds no table). */
  #streams = NO_STREAMS;
  readonly #closed: ClosedStreams;
  /** Map size at which {@link countOpenNear} walks (and prunes) even below the limit. */
  #pruneAt = PRUNE_SLACK;
  /** The parity of the ids we open: 1 (odd) for a client, 0 (even) for a server. */
  readonly #outboundParity: number;

  constructor(
    readonly config: H2Configuration,
    readonly localSettings: Settings,
    readonly remoteSettings: Settings,
  ) {
    this.#closed = new ClosedStreams(config.resetStreamRetention, config.clock);
    this.#outboundParity = config.clientSide ? 1 : 0;
  }

  /** The parity of the ids the peer opens (0 even, 1 odd). */
  get inboundParity(): number {
    return 1 - this.#outboundParity;
  }

  /** The parity of the ids we open (0 even, 1 odd). */
  get outboundParity(): number {
    return this.#outboundParity;
  }

  /** Streams in the map: open ones, and closed ones not yet moved to the closed record. */
  get size(): number {
    return this.#streams.size;
  }

  has(streamId: number): boolean {
    return this.#streams.has(streamId);
  }

  /** The stream if it is in the map, whatever its state. */
  find(streamId: number): Stream | undefined {
    return this.#streams.get(streamId);
  }

  /** The streams in the map by id: for each side, in the order they were opened (a new array). */
  values(): Stream[] {
    return this.#streams.values();
  }

  /** Calls `visit(context, stream)` for every stream in the map, in no particular order; `visit` must not open or close streams. */
  forEach<C>(visit: (context: C, stream: Stream) => void, context: C): void {
    this.#streams.forEach(visit, context);
  }

  /**
   * A known stream. h2: `_get_stream_by_id`.
   * @throws NoSuchStreamError above the highest id (idle), StreamClosedError at or below it.
   */
  get(streamId: number): Stream {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream;
    if (this.isIdle(streamId)) throw new NoSuchStreamError(streamId);
    throw new StreamClosedError(streamId);
  }

  /** The stream, or a new one (see {@link begin}). */
  getOrBegin(streamId: number, allowedParity: number, maxOutboundFrameSize: number): Stream {
    return this.#streams.get(streamId) ?? this.begin(streamId, allowedParity, maxOutboundFrameSize);
  }

  /**
   * A new stream, idle, with the initial windows of both sides' SETTINGS. h2: `_begin_new_stream`.
   * @throws StreamIDTooLowError for an id not above the highest of its side (RFC 9113 §5.1.1);
   *   ProtocolError for an id of the wrong parity.
   */
  begin(streamId: number, allowedParity: number, maxOutboundFrameSize: number): Stream {
    const outbound = this.isOutbound(streamId);
    const highest = outbound ? this.highestOutboundStreamId : this.highestInboundStreamId;
    if (streamId <= highest) throw new StreamIDTooLowError(streamId, highest);
    if (streamId % 2 !== allowedParity) throw new ProtocolError('Invalid stream ID for peer.');
    const stream = new Stream(streamId, this.config, this.localSettings.initialWindowSize, this.remoteSettings.initialWindowSize, maxOutboundFrameSize);
    (this.#streams === NO_STREAMS ? (this.#streams = new StreamTable<Stream>()) : this.#streams).set(streamId, stream);
    if (outbound) this.highestOutboundStreamId = streamId;
    else this.highestInboundStreamId = streamId;
    return stream;
  }

  /**
   * Open or half-closed streams of one parity (reserved ones do not count, RFC 9113 §5.1.2);
   * moves closed streams to the bounded record on the way. h2: `_open_streams`.
   */
  countOpen(parity: number): number {
    const c = OPEN_COUNT;
    c.parity = parity;
    c.count = 0;
    c.retiredCount = 0;
    this.#streams.sweep(countOrRetire, c);
    const n = c.retiredCount;
    if (n > 1) c.retired.subarray(0, n).sort(); // a typed array sorts numerically
    for (let i = 0; i < n; i++) {
      const entry = c.retired[i] as number;
      const how = entry % 8;
      this.#closed.remember((entry - how) / 8, CLOSED_BY[how] ?? null);
    }
    return c.count;
  }

  /**
   * Open streams of `parity` when one more might go over `max`, else 0. Counting walks (and
   * prunes) every stream; with fewer known streams than the limit it cannot be reached, so it is
   * skipped until the map holds {@link PRUNE_AT} streams.
   */
  countOpenNear(parity: number, max: number): number {
    const size = this.#streams.size;
    if (size < Math.min(max, PRUNE_AT) && size < this.#pruneAt) return 0;
    const open = this.countOpen(parity);
    // Closed streams also leave once PRUNE_SLACK streams have opened since the last walk, so a
    // busy connection below its limit does not hold up to `max` closed streams (each one
    // promoted to the old generation, then garbage); a walk visits the open streams and at
    // most PRUNE_SLACK closed ones, so it costs a few slots per new stream.
    this.#pruneAt = this.#streams.size + PRUNE_SLACK;
    return open;
  }

  /** A quiet connection: closed streams move to the closed record, which forgets expired ones; empty collections are let go. */
  compact(): void {
    this.countOpen(0);
    if (this.#streams.size === 0) this.#streams = NO_STREAMS;
    this.#closed.compact();
  }

  /** True for an id we open (odd for a client, even for a server). */
  isOutbound(streamId: number): boolean {
    return streamId % 2 === this.#outboundParity;
  }

  /** True for an id above the highest its side has used: the stream is idle (RFC 9113 §5.1). */
  isIdle(streamId: number): boolean {
    return streamId > (this.isOutbound(streamId) ? this.highestOutboundStreamId : this.highestInboundStreamId);
  }

  /** How the stream closed: null if closed without END_STREAM or RST_STREAM, undefined if not known. h2: `_stream_closed_by`. */
  closedBy(streamId: number): StreamClosedBy | null | undefined {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream.machine.closedBy;
    return this.#closed.closedBy(streamId);
  }

  /** Closed by RST_STREAM either way. h2: `_stream_is_closed_by_reset`. */
  closedByReset(streamId: number): boolean {
    const by = this.closedBy(streamId);
    return by === StreamClosedBy.SEND_RST_STREAM || by === StreamClosedBy.RECV_RST_STREAM;
  }

  /** Closed by END_STREAM either way. h2: `_stream_is_closed_by_end`. */
  closedByEnd(streamId: number): boolean {
    const by = this.closedBy(streamId);
    return by === StreamClosedBy.SEND_END_STREAM || by === StreamClosedBy.RECV_END_STREAM;
  }

  /** The peer already sent END_STREAM on this stream (it is half-closed remote, or closed by END_STREAMs). */
  peerEnded(streamId: number): boolean {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) return stream.state === StreamState.HALF_CLOSED_REMOTE || (stream.closed && this.closedByEnd(streamId));
    return this.closedByEnd(streamId);
  }
}
