/**
 * StreamRouter: the H2Streams of one connection by id, and the core's stream events delivered
 * to them: DATA, END_STREAM, RST_STREAM, responses, 1xx, trailers, new requests and pushes.
 * What a connection-level event means (window, SETTINGS, PING, GOAWAY) is H2Duplex's.
 */
import { ErrorCodes } from '../error-codes.js';
import {
  DataReceived,
  type Event,
  type H2Connection,
  InformationalResponseReceived,
  PushedStreamReceived,
  RequestReceived,
  ResponseReceived,
  StreamEnded,
  StreamReset,
  TrailersReceived,
} from '../core/index.js';
import { type H2Stream, streamInbox } from './h2-stream.js';
import type { StreamRole } from './stream-host.js';

/** What the router needs from its H2Duplex. */
export interface RouterHost {
  readonly connection: H2Connection;
  /** Makes the H2Stream for a stream id. */
  makeStream(id: number, role: StreamRole, localEnded: boolean): H2Stream;
  /** Listeners of one of the duplex's own events. */
  listenerCount(event: 'stream' | 'push'): number;
  /** Emits a new request (server) or a push (client) on the duplex. */
  emit(event: 'stream' | 'push', ...args: unknown[]): boolean;
  /** A peer's request was admitted (maxStreamsPerConnection counts them). */
  admitted(): void;
}

export class StreamRouter {
  readonly #host: RouterHost;
  readonly #streams = new Map<number, H2Stream>();
  /** Streams reset in the read being routed: their requests are never shown. */
  #resetInBatch: Set<number> | null = null;

  constructor(host: RouterHost) {
    this.#host = host;
  }

  /** Streams routed now. */
  get size(): number {
    return this.#streams.size;
  }

  /** The streams routed now. */
  values(): IterableIterator<H2Stream> {
    return this.#streams.values();
  }

  /** Makes and routes the stream for `id`. */
  adopt(id: number, role: StreamRole, localEnded = false): H2Stream {
    const stream = this.#host.makeStream(id, role, localEnded);
    this.#streams.set(id, stream);
    return stream;
  }

  /** Routes `stream`, made earlier (a queued request), at its new id. */
  route(id: number, stream: H2Stream): void {
    this.#streams.set(id, stream);
  }

  /** Stops routing to `stream` (it finished). */
  forget(stream: H2Stream): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
  }

  /** Every stream, routed no more (the connection ended under them). */
  takeAll(): H2Stream[] {
    const all = [...this.#streams.values()];
    this.#streams.clear();
    return all;
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
    else if (ev instanceof ResponseReceived) this.#streams.get(ev.streamId)?.emit('response', ev.headers, ev);
    else if (ev instanceof StreamEnded) this.#onEnd(ev);
    else if (ev instanceof StreamReset) this.#onReset(ev);
    else if (ev instanceof InformationalResponseReceived) this.#streams.get(ev.streamId)?.emit('informational', ev.headers, ev);
    else if (ev instanceof TrailersReceived) this.#streams.get(ev.streamId)?.emit('trailers', ev.headers, ev);
    else if (ev instanceof PushedStreamReceived) this.#onPush(ev);
    else return false;
    return true;
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
    this.#host.emit('stream', stream, ev.headers, ev);
  }

  #onPush(ev: PushedStreamReceived): void {
    const parent = this.#streams.get(ev.parentStreamId);
    const stream = this.adopt(ev.pushedStreamId, 'pushed-in');
    const wanted = (parent !== undefined && parent.listenerCount('push') > 0) || this.#host.listenerCount('push') > 0;
    if (!wanted) {
      stream.close(ErrorCodes.CANCEL);
      return;
    }
    parent?.emit('push', stream, ev.headers);
    this.#host.emit('push', stream, ev.headers, parent);
  }
}
