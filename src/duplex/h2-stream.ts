/**
 * H2Stream: one HTTP/2 stream as a byte Duplex, the way a socket is one.
 *
 * Readable side: DATA payload in order. Bytes are acknowledged to the peer
 * (`acknowledgeReceivedData` → WINDOW_UPDATE) only when `_read` finds them consumed, so a
 * consumer that stops reading stops the peer within one stream window (RFC 9113 §5.2).
 *
 * Writable side: `_write` parks the chunk with the connection's SendScheduler, which hands it
 * to the core as far as the peer's stream and connection windows and the duplex's output
 * budget allow, and calls back only once the core took all of it. A write that ends the stream (`end(data)`)
 * carries END_STREAM on its last DATA frame; `sendTrailers()` ends it with HEADERS instead.
 *
 * Endings: a peer RST_STREAM destroys the stream with a StreamResetError (NO_ERROR only ends
 * it); `close(code)` sends RST_STREAM; `destroy()` before the stream finished sends
 * RST_STREAM(CANCEL), or INTERNAL_ERROR when destroyed with an error.
 *
 * Rooms of its own: HeaderSections (header-sections.ts: respond(), 1xx, trailers and their
 * rules), StreamActivity (stream-activity.ts: setTimeout and streamIdleTimeout's count),
 * pushStream() (server-push.ts), respondWithFile/FD (file-response.ts).
 *
 * The connection and those rooms talk to a stream through shared objects made inside the
 * class (so they reach private state without a per-stream cost or a public method):
 * {@link streamInbox} (what the connection tells a stream: DATA, END_STREAM, resets, its end),
 * {@link sendPort} (what the scheduler asks of a stream as it sends) and `sectionsPort` (how
 * HeaderSections sends).
 */
import { Duplex } from 'readable-stream';
import { useFastListeners } from './fast-listeners.js';
import { ErrorCodes } from '../error-codes.js';
import { ConnectionClosedError, type H2Error, StreamClosedError, StreamResetError } from '../errors.js';
import { ConnectionState, type ExtensiblePriority, type InformationalResponseReceived, resolvePriority, type ResponseReceived, type TrailersReceived } from '../core/index.js';
import { updatePriority } from './stream-priority.js';
import type { PathLike } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { H2Duplex } from './h2-duplex.js';
import { type FdResponseOptions, type FileResponseOptions, respondWithFD, respondWithFile } from './file-response.js';
import { HeaderSections, type SectionsPort, type SendHeadersAdapterOptions } from './header-sections.js';
import type { HeadersInput, IncomingHeaders, OutgoingHeaders } from './node-headers.js';
import type { SendPort } from './send-scheduler.js';
import { SendSlot } from './send-order.js';
import { pushStream } from './server-push.js';
import { StreamActivity } from './stream-activity.js';
import type { StreamHost, StreamInbox, StreamRole } from './stream-host.js';

export type { StreamRole } from './stream-host.js';
export type { SendHeadersAdapterOptions } from './header-sections.js';

/** The HEADERS frame type, as 'frameError' names it (RFC 9113 §6.2). */
const HEADERS_FRAME = 0x1;

/** `pushStream()`'s callback, as node:http2 calls it. */
export type PushStreamCallback = (error: Error | null, pushStream: H2Stream, headers: OutgoingHeaders) => void;

/** Listener arguments of a received header block: node's object form, the HEADERS flags, node's flat raw headers, and the core's event. */
export type HeadersEventArgs<E> = [headers: IncomingHeaders, flags: number, rawHeaders: string[], event: E];

/** Listener arguments of H2Stream's own events (node:http2's names and shapes). */
export interface H2StreamEvents {
  /** Client: the response headers. */
  response: HeadersEventArgs<ResponseReceived>;
  /** Client: a 1xx informational response (node's name for it). */
  headers: HeadersEventArgs<InformationalResponseReceived>;
  /** The peer's trailers. */
  trailers: HeadersEventArgs<TrailersReceived>;
  /** Client, on a pushed stream: its response headers. */
  push: HeadersEventArgs<ResponseReceived>;
  /** `waitForTrailers` was set and the last DATA went out: call `sendTrailers()`. */
  wantTrailers: [];
  /** A frame could not be sent (the stream closed under it): the frame type, the error code, the stream id. */
  frameError: [type: number, code: number, id: number];
  /** The peer reset the stream before our side ended (node's event). */
  aborted: [];
  reset: [errorCode: number, remote: boolean];
  timeout: [];
}

/** What the connection tells a stream (assigned in H2Stream's static block, which runs when the class is defined: declared first). */
export let streamInbox: StreamInbox<H2Stream>;
/** What the send scheduler asks of a stream (assigned in H2Stream's static block, which runs when the class is defined: declared first). */
export let sendPort: SendPort<H2Stream>;
/** How a stream's HeaderSections send (assigned in H2Stream's static block). */
let sectionsPort: SectionsPort<H2Stream>;

/** One HTTP/2 stream as a Duplex: the readable side is the peer's DATA, the writable side ours; backpressure is flow control. */
export class H2Stream extends Duplex {
  #id: number;
  /** How this stream came to be: our request (client), a request to us (server), a push. */
  readonly role: StreamRole;
  /** The RST_STREAM code, once the stream was reset either way (node:http2's `rstCode`). */
  rstCode: number | undefined;

  readonly #host: StreamHost<H2Stream>;
  /** DATA octets pushed to the readable side, and how many of them the peer got back as window. */
  #pushed = 0;
  #acked = 0;
  /** END_STREAM went out (on DATA, trailers or HEADERS). */
  #endSent = false;
  /** END_STREAM came in. */
  #remoteEnded = false;
  /** The core stream is closed or reset: nothing more may be sent or acknowledged on it. */
  #closedInCore = false;
  /** `_final` of a queued request, run once it has a stream. */
  #deferredFinal: ((error?: Error | null) => void) | null = null;
  /**
   * What moves on the stream, for setTimeout and streamIdleTimeout; made by the first of them
   * to ask (until then nobody reads it, so there is nothing to count).
   */
  #activity: StreamActivity | null = null;
  /** The headers we send: the response (or request), 1xx, trailers; made by the first (#sectionsOf). */
  #sections: HeaderSections<H2Stream> | null = null;
  /** The request (server) or response (client) headers, once received. */
  #received: IncomingHeaders | null = null;
  #endAfterHeaders = false;
  #aborted = false;
  /** The consumer asked for the body (read(), for await, pipe): an unread one is not dumped at the end. */
  #didRead = false;
  /** The send scheduler's state for this stream (its parked write, place in the queues, priority); made by the first write or priority. */
  #sendSlot: SendSlot<H2Stream> | null = null;

  /** @internal Created by H2Duplex (request, incoming request, push). */
  constructor(host: StreamHost<H2Stream>, id: number, role: StreamRole, highWaterMark: number, localEnded = false) {
    super({ allowHalfOpen: true, readableHighWaterMark: highWaterMark, writableHighWaterMark: highWaterMark, decodeStrings: true });
    useFastListeners(this);
    this.#host = host;
    this.#id = id;
    this.role = role;
    // The server never sends a body on a pushed request, nor the client on a pushed response.
    if (role === 'pushed-out') {
      this.push(null);
      this.#remoteEnded = true;
    }
    if (role === 'pushed-in' || localEnded) {
      this.#endSent = true;
      this.end();
    }
  }

  // Typed listeners for our own events; everything else is Duplex's.
  /** Typed listener for one of {@link H2StreamEvents}. */
  override on<K extends keyof H2StreamEvents>(event: K, listener: (...args: H2StreamEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Typed one-time listener for one of {@link H2StreamEvents}. */
  override once<K extends keyof H2StreamEvents>(event: K, listener: (...args: H2StreamEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  /**
   * The HTTP/2 stream id; 0 while a request waits for a free slot under the peer's
   * SETTINGS_MAX_CONCURRENT_STREAMS (see `H2Duplex.request`).
   */
  get id(): number {
    return this.#id;
  }

  /**
   * `for await (const chunk of stream)` reads the peer's body without destroying the stream
   * when the body ends, so a server can read a request and then respond (Readable's default
   * iterator would destroy the whole Duplex, resetting the stream). An error or an early
   * `break` after an error still destroys it; use `stream.iterator()` for the default.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Readable's own iterator type
  override [Symbol.asyncIterator](): AsyncIteratorObject<any, any, any> {
    return this.iterator({ destroyOnReturn: false });
  }

  // ---------------------------------------------------------------- socket-like members

  /** The transport's remote address, when known (a piped net.Socket). */
  get remoteAddress(): string | undefined {
    return this.#host.address().remoteAddress;
  }

  /** The connection's remote port, when known (socket compatibility). */
  get remotePort(): number | undefined {
    return this.#host.address().remotePort;
  }

  /**
   * Emits 'timeout' after `ms` without DATA either way (0 disables), like `socket.setTimeout`;
   * the stream is not closed by it.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback);
    (this.#activity ??= new StreamActivity(this)).setTimeout(ms);
    return this;
  }

  /** No-op: there is no Nagle on an HTTP/2 stream (socket compatibility). */
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  /** No-op: keep-alive belongs to the connection (socket compatibility). */
  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  // ---------------------------------------------------------------- HTTP/2 actions

  /**
   * Server: send the response headers (node's object form or pairs; `:status` defaults to
   * 200). A 1xx leaves the stream unanswered (node's way is {@link additionalHeaders}). As
   * node:http2, a 204, 205 or 304 response, or any response to HEAD, ends the stream with
   * its headers.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a stream a client opened or was pushed;
   * `ERR_H2_HEADERS_SENT` when the response headers went out already (respond() twice, or a
   * write or `end()` sent `:status: 200`); `ERR_H2_STREAM_CLOSED` on a stream that was reset or
   * destroyed (the peer cancelled, the connection closed): as with node:http2, check
   * `stream.destroyed` after awaiting something before responding. InvalidArgumentError for
   * headers node refuses (docs/errors.md).
   */
  respond(headers?: HeadersInput, options: SendHeadersAdapterOptions = {}): void {
    this.#sectionsOf().respond(headers, options);
  }

  /**
   * Server: a 1xx informational response (`:status` 100, 102, 103…) before `respond()`, as
   * node:http2's `additionalHeaders()`.
   * @throws UsageError as {@link respond}; OutOfRangeError (`ERR_H2_OUT_OF_RANGE`) for a
   * `:status` that is not 1xx, or 101 (RFC 9113 §8.6 forbids Switching Protocols).
   */
  additionalHeaders(headers: HeadersInput): void {
    this.#sectionsOf().additionalHeaders(headers);
  }

  /** The response headers were sent (server), or the request's (client). */
  get headersSent(): boolean {
    return this.role === 'request' ? this.#id !== 0 : this.role === 'pushed-in' || this.#sections?.finalSent === true;
  }

  /** The headers we sent: the response (server) or the request (client), as given. */
  get sentHeaders(): OutgoingHeaders | undefined {
    return this.#sections?.final;
  }

  /** The 1xx headers we sent, in order. */
  get sentInfoHeaders(): OutgoingHeaders[] | undefined {
    return this.#sections?.informational;
  }

  /** The trailers we sent. */
  get sentTrailers(): OutgoingHeaders | undefined {
    return this.#sections?.trailers;
  }

  /** The connection this stream belongs to (node's `stream.session`). */
  get session(): H2Duplex {
    return this.#host.session as H2Duplex;
  }

  /** A request still waiting for a stream id (the peer's SETTINGS_MAX_CONCURRENT_STREAMS was reached). */
  get pending(): boolean {
    return this.#id === 0;
  }

  /**
   * The stream closed before our side started ending: reset either way, destroyed, or its
   * connection gone ('aborted' was emitted), as node:http2's `aborted`.
   */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Server: `pushStream()` may be called: the client allows push and this stream is open (node's `pushAllowed`). */
  get pushAllowed(): boolean {
    return this.role === 'response' && !this.destroyed && !this.#closedInCore && this.#host.connection.remoteSettings.enablePush === 1;
  }

  /** Server: the request is a HEAD (its response carries no body). */
  get headRequest(): boolean {
    return this.#received?.[':method'] === 'HEAD';
  }

  /**
   * Server: respond with the file at `path` (node:http2's `respondWithFile`): `content-length`
   * from its size and the range, `offset`/`length`, `statCheck`, `onError`, `waitForTrailers`;
   * sent with flow control (a slow client holds the server to its window), the file closed at
   * the end or on a reset. See respondWithFile in file-response.ts for every rule and error.
   */
  respondWithFile(path: PathLike, headers?: HeadersInput | null, options?: FileResponseOptions): void {
    respondWithFile(this, path, headers, options);
  }

  /** Server: respond with an open file descriptor or FileHandle, left open (node:http2's `respondWithFD`). */
  respondWithFD(fd: number | FileHandle, headers?: HeadersInput | null, options?: FdResponseOptions): void {
    respondWithFD(this, fd, headers, options);
  }

  /** The received request (server) or response (client) headers carried END_STREAM. */
  get endAfterHeaders(): boolean {
    return this.#endAfterHeaders;
  }

  /** node's `stream.state`: the receive window and which sides are closed (1) or not (0). */
  get state(): { localWindowSize: number; localClose: number; remoteClose: number } {
    let localWindowSize = 0;
    try {
      if (this.#id !== 0 && !this.#closedInCore) localWindowSize = this.#host.connection.localFlowControlWindow(this.#id);
    } catch {
      // The core forgot the stream (both sides ended): no window.
    }
    return { localWindowSize, localClose: Number(this.#endSent), remoteClose: Number(this.#remoteEnded) };
  }

  /**
   * The RFC 9218 priority our DATA on this stream is scheduled by (`urgency` 0..7, lower first;
   * `incremental`: shares the round robin of its urgency): from the request's `priority` header
   * and PRIORITY_UPDATEs (server) or `request(…, { priority })` (client); (3, false) when none.
   * @throws OutOfRangeError / InvalidArgumentError (set) for a bad urgency or `incremental`.
   */
  get priority(): ExtensiblePriority {
    return this.#host.scheduler.priorityOf(this);
  }

  /** Overrides the priority (nghttp2's `nghttp2_session_change_extpri_stream_priority`); sends nothing. */
  set priority(priority: Partial<ExtensiblePriority>) {
    this.#host.scheduler.setPriority(this, resolvePriority(priority));
  }

  /**
   * Client: a new priority for this request, sent as PRIORITY_UPDATE (RFC 9218 §7.1), or in its
   * HEADERS while it waits for a stream slot.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a server (set `stream.priority` there),
   *   `ERR_H2_STREAM_CLOSED` on a closed stream; as the setter for a bad priority.
   */
  setPriority(priority: Partial<ExtensiblePriority>): void {
    updatePriority(this.#host, this, this.#closedInCore, priority);
  }

  /**
   * Server: promise a pushed response for `requestHeaders` (`:method` GET, and `:scheme` and
   * `:authority` of this stream's request, unless given) and return the pushed stream to
   * respond on. node:http2's callback form works too: `callback(null, pushStream, headers)`
   * on the next tick.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a client; ProtocolError when the peer disabled
   *   push (SETTINGS_ENABLE_PUSH 0) or on a pushed stream.
   */
  pushStream(requestHeaders: HeadersInput, options?: { exclusive?: boolean; parent?: number; weight?: number } | PushStreamCallback, callback?: PushStreamCallback): H2Stream {
    return pushStream(this.#host, this.#id, this.#received, requestHeaders, options, callback);
  }

  /**
   * End the stream with trailers (HEADERS with END_STREAM). After `'wantTrailers'` they go at
   * once; before, they are sent after everything written so far (and end the writable side).
   * @throws UsageError `ERR_H2_TRAILERS_SENT` when trailers were given already or the
   * writable side was ended (`end()`) without `waitForTrailers`: trailers are the last frame.
   */
  sendTrailers(headers: HeadersInput): void {
    this.#sectionsOf().sendTrailers(headers);
  }

  /** RST_STREAM with `errorCode` (default CANCEL), then destroy the stream; `callback` runs on 'close'. */
  close(errorCode: number = ErrorCodes.CANCEL, callback?: () => void): void {
    if (callback !== undefined) this.once('close', callback);
    if (this.#id !== 0) this.#resetInCore(errorCode);
    this.destroy();
  }

  // ---------------------------------------------------------------- Duplex implementation

  /**
   * Every way of consuming a Readable (flowing mode, pipe, async iteration, read()) goes
   * through read(); `_read` alone is not enough, because Readable calls it *before* taking
   * the chunk out of its buffer, and then not again until the next push.
   */
  override read(size?: number): unknown {
    if (size !== 0) this.#didRead = true;
    const chunk: unknown = super.read(size);
    this.#acknowledgeConsumed();
    return chunk;
  }

  /** Acknowledges what the consumer read, as WINDOW_UPDATE (Duplex internals). */
  override _read(): void {
    this.#acknowledgeConsumed();
  }

  /** Parks the chunk until window and output room allow sending it (Duplex internals). */
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    if (this.#closedInCore) {
      callback(new StreamResetError(this.id, ErrorCodes.STREAM_CLOSED, false));
      return;
    }
    this.#activity?.touch();
    // A queued request has no stream yet: the scheduler holds the write until it starts.
    this.#host.scheduler.park(this, chunk, callback);
  }

  /** Ends our side: END_STREAM on the last DATA frame or trailers (Duplex internals). */
  override _final(callback: (error?: Error | null) => void): void {
    if (this.#id === 0 && !this.#closedInCore) {
      this.#deferredFinal = callback;
      return;
    }
    if (this.#endSent || this.#closedInCore) {
      callback();
      return;
    }
    const sections = this.#sectionsOf();
    if (sections.awaitsTrailers) {
      // node's waitForTrailers: the body is sent; the user's sendTrailers() ends the stream.
      sections.bodyEndedAwaitingTrailers(callback);
      return;
    }
    try {
      sections.autoRespond();
      const connection = this.#host.connection;
      const trailers = sections.pendingTrailers;
      // Empty trailers end the stream with an empty DATA frame, as node:http2 does.
      if (trailers !== null && trailers.length > 0) connection.sendHeaders(this.id, trailers, { endStream: true });
      else connection.endStream(this.id);
      this.#endSent = true;
      this.#host.scheduleFlush();
      this.#maybeDone();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  /** Resets the stream unless it finished (Duplex internals). */
  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#activity?.stop();
    this.#abortIfOpen();
    // Destroyed before both sides finished: tell the peer (ordering: reset before forget,
    // so the core still knows the stream).
    if (this.#id !== 0 && !this.#closedInCore && !(this.#endSent && this.readableEnded)) {
      this.#resetInCore(error === null ? ErrorCodes.CANCEL : ErrorCodes.INTERNAL_ERROR);
    }
    this.#deferredFinal = null;
    // Bytes that will never be read still hold connection window: return it.
    const unread = this.#pushed - this.#acked;
    if (unread > 0) this.#acknowledge(unread);
    // Only a write still parked needs the error (built here, not on every stream's end: it
    // captures a stack, and building it for each finished stream halved S1's request rate).
    const scheduler = this.#host.scheduler;
    if (scheduler.hasParked(this)) scheduler.drop(this, error ?? new StreamResetError(this.id, ErrorCodes.CANCEL, false));
    this.#host.forget(this);
    callback(error);
  }

  // ---------------------------------------------------------------- the connection's ports

  static {
    streamInbox = {
      data(stream, data, flowControlledLength) {
        stream.#onData(data, flowControlledLength);
      },
      end(stream) {
        stream.#activity?.touch();
        stream.#remoteEnded = true;
        stream.push(null);
        stream.#maybeDone();
      },
      reset(stream, errorCode, remote) {
        stream.#onReset(errorCode, remote);
      },
      fail(stream, error) {
        stream.#closedInCore = true;
        stream.#destroyFromPeer(error instanceof ConnectionClosedError || error instanceof StreamResetError ? error : new ConnectionClosedError(error.message, error.errorCode, { cause: error }));
      },
      started(stream, id) {
        stream.#id = id;
        stream.#host.scheduler.started(stream);
        const final = stream.#deferredFinal;
        stream.#deferredFinal = null;
        if (final !== null) stream._final(final);
      },
      received(stream, headers, ended) {
        stream.#received = headers;
        stream.#endAfterHeaders = ended;
      },
      requestSent(stream, headers, waitForTrailers) {
        stream.#sectionsOf().requestSent(headers, waitForTrailers);
      },
      idleFor(stream, now) {
        // Made at the first check, which starts the quiet at `now` whatever moved before.
        return (stream.#activity ??= new StreamActivity(stream)).idleFor(now);
      },
      idleTimeout(stream, ms) {
        stream.emit('timeout');
        if (stream.destroyed || stream.#activity?.stillIdle !== true) return;
        stream.#resetInCore(ErrorCodes.CANCEL);
        stream.#destroyFromPeer(new StreamResetError(stream.id, ErrorCodes.CANCEL, false, { code: 'ERR_H2_STREAM_IDLE_TIMEOUT', cause: new Error(`nothing sent or received for ${ms} ms (streamIdleTimeout)`) }));
      },
    };
    sendPort = {
      slot(stream) {
        return (stream.#sendSlot ??= new SendSlot<H2Stream>());
      },
      existingSlot(stream) {
        return stream.#sendSlot;
      },
      beforeData(stream) {
        stream.#sectionsOf().autoRespond();
      },
      isLastWrite(stream, octets) {
        return stream.writableEnded && (stream.#sections === null || stream.#sections.endsWithData) && stream.writableLength === octets;
      },
      sent(stream, octets, ended) {
        if (octets > 0) stream.#activity?.sent();
        if (ended) {
          stream.#endSent = true;
          stream.#maybeDone();
        }
      },
    };
    sectionsPort = {
      send(stream, list, endStream) {
        const connection = stream.#host.connection;
        try {
          // Empty trailers (sendTrailers({}) after 'wantTrailers') end the stream with an empty DATA frame, as node:http2 does.
          if (list.length === 0 && endStream) connection.endStream(stream.id);
          else connection.sendHeaders(stream.id, list, { endStream });
        } catch (err) {
          // The stream or the connection ended in the read that brought the request (a reset,
          // an error GOAWAY): the events that say so are being delivered; as node:http2 does,
          // 'frameError' says this frame was not sent.
          if (err instanceof StreamClosedError || (connection.state === ConnectionState.CLOSED && !connection.draining)) {
            stream.emit('frameError', HEADERS_FRAME, ErrorCodes.STREAM_CLOSED, stream.id);
            return false;
          }
          throw err;
        }
        stream.#activity?.touch();
        stream.#host.scheduleFlush();
        return true;
      },
      ended(stream) {
        stream.#endSent = true;
        stream.#maybeDone();
      },
      closed(stream) {
        return stream.#closedInCore;
      },
    };
  }

  /** DATA arrived: push it; padding (never readable) is acknowledged at once. */
  #onData(data: Buffer, flowControlledLength: number): void {
    this.#activity?.touch();
    const padding = flowControlledLength - data.length;
    if (padding > 0) {
      this.#pushed += padding;
      this.#acknowledge(padding);
    }
    if (data.length === 0) return;
    this.#pushed += data.length;
    this.push(data);
  }

  /** RST_STREAM, either way, as the core reported it (StreamReset). */
  #onReset(errorCode: number, remote: boolean): void {
    this.#closedInCore = true;
    this.rstCode = errorCode;
    this.emit('reset', errorCode, remote);
    this.#abortIfOpen();
    if (errorCode === (ErrorCodes.NO_ERROR as number) && remote) {
      // RFC 9113 §8.1: NO_ERROR means "stop sending"; what was received stays readable.
      this.#host.scheduler.drop(this);
      this.#endSent = true;
      if (!this.readableEnded) this.push(null);
      if (!this.writableEnded) this.end();
      return;
    }
    this.#destroyFromPeer(new StreamResetError(this.id, errorCode, remote));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The stream's HeaderSections, made when it first sends headers (a stream that is reset or
   * never answered costs no more than its fields).
   */
  #sectionsOf(): HeaderSections<H2Stream> {
    return (this.#sections ??= new HeaderSections(this, sectionsPort));
  }

  /**
   * Ends the stream because of the peer or the connection. The error is emitted only when
   * someone listens for it: a peer must not be able to crash a server whose handler attached
   * no 'error' listener (it still sees 'reset', 'close' and `rstCode`). pipe(), pipeline()
   * and async iteration attach listeners, so they do see the error.
   */
  #destroyFromPeer(error: H2Error): void {
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }

  /**
   * Both END_STREAMs passed: the core stream is closed and no frame can arrive for it, so the
   * duplex stops routing to it even if the consumer never reads the (empty) body to its end.
   */
  #maybeDone(): void {
    if (!this.#endSent || !this.#remoteEnded) return;
    this.#host.forget(this);
    // node:http2's rule for a server stream whose body nobody asked for: dump it, so the
    // stream ends and closes ('close' fires, as a handler that only responds expects).
    if ((this.role === 'response' || this.role === 'pushed-out') && !this.#didRead && this.readableFlowing === null) this.resume();
  }

  /**
   * The stream closed (reset either way, destroyed, its connection gone) before our side
   * started ending: 'aborted', once, as node:http2's closeStream() emits it.
   */
  #abortIfOpen(): void {
    if (this.#aborted || this.writableEnded) return;
    this.#aborted = true;
    this.emit('aborted');
  }

  /** What the consumer took out of the buffer since last time goes back to the peer as window. */
  #acknowledgeConsumed(): void {
    const consumed = this.#pushed - this.readableLength - this.#acked;
    if (consumed > 0) this.#acknowledge(consumed);
  }

  #acknowledge(octets: number): void {
    this.#acked += octets;
    try {
      this.#host.connection.acknowledgeReceivedData(octets, this.id);
      this.#host.scheduleFlush();
    } catch {
      // The connection is closed: there is nobody to give window back to.
    }
  }

  #resetInCore(errorCode: number): void {
    if (this.#closedInCore) return;
    this.#closedInCore = true;
    // As node:http2: a stream we reset has the code we sent.
    this.rstCode ??= errorCode;
    try {
      this.#host.connection.resetStream(this.id, errorCode);
      this.#host.scheduleFlush();
    } catch {
      // Already closed in the core (both END_STREAMs crossed): nothing to reset.
    }
  }
}
