/**
 * StreamRouter: the H2Streams of one connection by id, and the core's stream events delivered
 * to them: DATA, END_STREAM, RST_STREAM, responses, 1xx, trailers, new requests and pushes.
 * Also what concerns all of them at once: their memory (maxSessionMemory), the idle ones
 * (streamIdleTimeout), their end with the connection's. What a connection-level event means
 * (window, SETTINGS, PING, GOAWAY) is ConnectionControl's.
 */
import { ErrorCodes } from '../error-codes.js';
import {
  DataReceived,
  type Event,
  type H2Connection,
  InformationalResponseReceived,
  parsePriorityField,
  PriorityUpdateReceived,
  PushedStreamReceived,
  RequestReceived,
  ResponseReceived,
  StreamEnded,
  StreamReset,
  TrailersReceived,
} from '../core/index.js';
import { type H2Stream, streamInbox } from './h2-stream.js';
import { toHeaderObject, toRawHeaders } from './node-headers.js';
import type { StreamRole } from './stream-host.js';
import type { H2Error } from '../errors.js';
import type { SendScheduler } from './send-scheduler.js';
import { EMPTY_STREAM_TABLE, StreamTable } from '../core/stream-table.js';

/**
 * What one open stream costs besides its buffers: an H2Stream (a Duplex) and the core's Stream.
 * `npm run bench:memory` over 10,000 open streams measured 1.6 KiB of live heap and 4.9 KiB of
 * server RSS per stream (node:http2: 1.1 / 4.7 KiB); the estimate sits between the two.
 */
const STREAM_MEMORY_ESTIMATE = 4096;

/** What the router needs from its H2Duplex. */
export interface RouterHost {
  readonly connection: H2Connection;
  /** Makes the H2Stream for a stream id. */
  makeStream(id: number, role: StreamRole, localEnded: boolean): H2Stream;
  /** Listeners of the duplex's 'stream' event. */
  listenerCount(event: 'stream'): number;
  /** Emits a new request (server) or a push (client) on the duplex, as node:http2's 'stream'. */
  emit(event: 'stream', ...args: unknown[]): boolean;
  /** A peer's request was admitted (maxStreamsPerConnection counts them). */
  admitted(): void;
  /** Where the streams' priority signals (RFC 9218) go: the send scheduler. */
  readonly scheduler: Pick<SendScheduler<H2Stream>, 'requestOpened' | 'setPriority' | 'prioritizeIdle'>;
}

/** The map of every router with no stream: shared, never written. */
const NO_STREAMS = EMPTY_STREAM_TABLE as StreamTable<H2Stream>;

/** What {@link StreamRouter.memory} adds up (one shared object: no closure per call). */
const MEMORY = { octets: 0 };
function addStreamMemory(sum: typeof MEMORY, stream: H2Stream): void {
  sum.octets += STREAM_MEMORY_ESTIMATE + stream.readableLength + stream.writableLength;
}

export class StreamRouter {
  readonly #host: RouterHost;
  #streams = NO_STREAMS;
  /** Streams reset in the read being routed: their requests are never shown. */
  #resetInBatch: Set<number> | null = null;

  constructor(host: RouterHost) {
    this.#host = host;
  }

  #writable(): StreamTable<H2Stream> {
    return this.#streams === NO_STREAMS ? (this.#streams = new StreamTable<H2Stream>()) : this.#streams;
  }

  /** A quiet connection lets go of an empty map. */
  compact(): void {
    if (this.#streams.size === 0) this.#streams = NO_STREAMS;
  }

  /** Streams routed now. */
  get size(): number {
    return this.#streams.size;
  }

  /** Octets the routed streams hold: each one's unread input and unsent writes, plus STREAM_MEMORY_ESTIMATE. */
  memory(): number {
    MEMORY.octets = 0;
    this.#streams.forEach(addStreamMemory, MEMORY);
    return MEMORY.octets;
  }

  /**
   * streamIdleTimeout: streams with nothing sent or received for `ms` get 'timeout', then
   * RST_STREAM(CANCEL). True when any did (their resets wait for a flush).
   */
  resetIdle(now: number, ms: number): boolean {
    const idle: H2Stream[] = [];
    this.#streams.forEach((found, stream) => {
      if (streamInbox.idleFor(stream, now) >= ms) found.push(stream);
    }, idle);
    if (idle.length === 0) return false;
    idle.sort((a, b) => a.id - b.id); // in the order they opened, whatever the table's order
    for (const stream of idle) streamInbox.idleTimeout(stream, ms);
    return true;
  }

  /** Makes and routes the stream for `id`. */
  adopt(id: number, role: StreamRole, localEnded = false): H2Stream {
    const stream = this.#host.makeStream(id, role, localEnded);
    this.#writable().set(id, stream);
    return stream;
  }

  /** Routes `stream`, made earlier (a queued request), at its new id. */
  route(id: number, stream: H2Stream): void {
    this.#writable().set(id, stream);
  }

  /** Stops routing to `stream` (it finished). */
  forget(stream: H2Stream): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
  }

  /** The connection ended under the streams: each fails with `error`, routed no more. */
  failAll(error: H2Error): void {
    const all = this.#streams.values();
    this.#streams = NO_STREAMS;
    for (const stream of all) streamInbox.fail(stream, error);
  }

  /**
   * Starts routing one read's events. Requests reset within the same read, by the peer (h2's
   * "pending accept" resets; the core counts them against maxPendingResetStreams) or by us
   * (malformed, over a limit), are never shown to the application.
   */
  beginRead(events: readonly Event[]): void {
    this.#resetInBatch = null;
    if (events.length < 2) return;
    for (const ev of events) if (ev instanceof StreamReset) (this.#resetInBatch ??= new Set()).add(ev.streamId);
  }

  /** Delivers `ev` if it is a stream's event; false for a connection-level one. */
  deliver(ev: Event): boolean {
    if (ev instanceof DataReceived) this.#onData(ev);
    else if (ev instanceof RequestReceived) this.#onRequest(ev);
    else if (ev instanceof ResponseReceived) this.#onResponse(ev);
    else if (ev instanceof StreamEnded) this.#onEnd(ev);
    else if (ev instanceof StreamReset) this.#onReset(ev);
    else if (ev instanceof InformationalResponseReceived) this.#emitHeaders('headers', ev);
    else if (ev instanceof TrailersReceived) this.#emitHeaders('trailers', ev);
    else if (ev instanceof PushedStreamReceived) this.#onPush(ev);
    else if (ev instanceof PriorityUpdateReceived) this.#onPriorityUpdate(ev);
    else return false;
    return true;
  }

  /**
   * Server: a PRIORITY_UPDATE (RFC 9218 §7.1), checked by the core: for a routed stream it
   * applies now; for one the peer has not opened yet, when it opens; a stream finished here
   * (but not yet closed in the core) has nothing left to schedule.
   */
  #onPriorityUpdate(ev: PriorityUpdateReceived): void {
    const priority = { urgency: ev.urgency, incremental: ev.incremental };
    const stream = this.#streams.get(ev.streamId);
    if (stream !== undefined) this.#host.scheduler.setPriority(stream, priority);
    else if (ev.streamId > this.#host.connection.highestInboundStreamId) this.#host.scheduler.prioritizeIdle(ev.streamId, priority);
  }

  /** A response; on a pushed stream node calls it 'push'. */
  #onResponse(ev: ResponseReceived): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream === undefined) return;
    const headers = toHeaderObject(ev.headers);
    streamInbox.received(stream, headers, ev.streamEnded !== null);
    stream.emit(stream.role === 'pushed-in' ? 'push' : 'response', headers, flagsOf(ev.streamEnded !== null), toRawHeaders(ev.headers), ev);
  }

  /** 1xx and trailers, in node's shape: (headers, flags, rawHeaders), then the core's event. */
  #emitHeaders(name: 'headers' | 'trailers', ev: InformationalResponseReceived | TrailersReceived): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream !== undefined) stream.emit(name, toHeaderObject(ev.headers), flagsOf(name === 'trailers'), toRawHeaders(ev.headers), ev);
  }

  #onEnd(ev: StreamEnded): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream !== undefined) streamInbox.end(stream);
  }

  #onData(ev: DataReceived): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream === undefined || stream.destroyed) {
      // Nobody will read it: give the window back now.
      this.#host.connection.acknowledgeReceivedData(ev.flowControlledLength, ev.streamId);
      return;
    }
    streamInbox.data(stream, ev.data, ev.flowControlledLength);
  }

  #onReset(ev: StreamReset): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream !== undefined) streamInbox.reset(stream, ev.errorCode, ev.remoteReset);
  }

  #onRequest(ev: RequestReceived): void {
    if (this.#resetInBatch?.has(ev.streamId) === true) return;
    const stream = this.adopt(ev.streamId, 'response');
    this.#host.admitted();
    if (this.#host.listenerCount('stream') === 0) {
      // No handler: refuse rather than leave the peer waiting (safe to retry).
      stream.close(ErrorCodes.REFUSED_STREAM);
      return;
    }
    const headers = toHeaderObject(ev.headers);
    const ended = ev.streamEnded !== null;
    // RFC 9218 §5: the request's priority header is its first signal.
    const field = headers.priority;
    this.#host.scheduler.requestOpened(stream, field === undefined ? undefined : parsePriorityField(Array.isArray(field) ? field.join(', ') : String(field)));
    streamInbox.received(stream, headers, ended);
    this.#host.emit('stream', stream, headers, flagsOf(ended), toRawHeaders(ev.headers), ev);
  }

  /** Client: a promised push is a new stream on the session's 'stream' event (node's shape); unwanted without a listener. */
  #onPush(ev: PushedStreamReceived): void {
    const stream = this.adopt(ev.pushedStreamId, 'pushed-in');
    if (this.#host.listenerCount('stream') === 0) {
      stream.close(ErrorCodes.CANCEL);
      return;
    }
    // PUSH_PROMISE has END_HEADERS and no END_STREAM (RFC 9113 §6.6).
    this.#host.emit('stream', stream, toHeaderObject(ev.headers), END_HEADERS, toRawHeaders(ev.headers), ev);
  }
}

/** The HEADERS flags node passes with a received block: END_HEADERS (CONTINUATIONs are joined), END_STREAM if set (RFC 9113 §6.2). */
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

function flagsOf(ended: boolean): number {
  return ended ? END_HEADERS | END_STREAM : END_HEADERS;
}
