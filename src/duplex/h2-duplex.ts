/**
 * H2Duplex: the sans-IO H2Connection as a readable-stream Duplex, so that
 * `socket.pipe(h2).pipe(socket)` speaks HTTP/2 over any byte stream.
 *
 * A Duplex that pumps bytes through a core and hands work to two rooms:
 * - input: transport bytes → `receiveData` → events routed to H2Streams (#dispatch);
 * - output: the core's frames → the transport, one flush per turn of the event loop, or at
 *   once where waiting would cost a round trip (#flush);
 * - {@link SendScheduler} decides which parked stream write goes to the core next, within the
 *   output budget and the peer's windows, and starts queued requests as slots free up;
 * - {@link Deadlines} owns every time limit and the ping/settings waiters, on one timer.
 * What stays here: the graceful and error closes, and what the peer's events mean for streams.
 *
 * Output goes one of two ways. Piped to a Writable (`h2.pipe(socket)`), the duplex writes to
 * it directly (TransportWriter): one corked batch per flush, and, when it is a net.Socket,
 * DATA payloads are sent from the application's own Buffers without a copy, their write
 * callbacks held until the socket wrote them. Otherwise (read with 'data', read(), async
 * iteration) output is pushed to the readable side and payloads are copied, since nothing
 * tells us when a reader is done with them.
 *
 * Backpressure, both directions:
 * - Output: stream writes are handed to the core only while the output buffer (the readable
 *   side, or what the transport has not written yet) holds less than the high-water mark, so
 *   a slow transport stops the writers.
 * - Input: while the output buffer is over its high-water mark, the callback of `_write` is
 *   held until it drains (`_read`, or a transport write completing): a peer that keeps sending
 *   (PINGs, requests) while not reading our answers is stopped by the transport's own
 *   backpressure.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Duplex } from 'readable-stream';
import { ErrorCodes } from '../error-codes.js';
import { checkOptionKeys, ConnectionClosedError, type DenialOfServiceError, InvalidArgumentError, toH2Error, StreamResetError, UsageCodes, UsageError } from '../errors.js';
import {
  type ChangedSetting,
  ConnectionTerminated,
  type Event,
  H2Connection,
  type HeaderInput,
  PingAckReceived,
  PingReceived,
  RemoteSettingsChanged,
  RequestReceived,
  SettingsAcknowledged,
  StreamEnded,
  WindowUpdated,
} from '../core/index.js';
import { Deadlines } from './deadlines.js';
import { StreamRouter } from './stream-router.js';
import { ConnectionEnd } from './connection-end.js';
import type { H2DuplexEvents, H2DuplexStats } from './event-map.js';
import { H2Stream, sendPort, streamInbox, type SendHeadersAdapterOptions } from './h2-stream.js';
import { type HeadersInput, sentHeaderObject, toHeaderList } from './node-headers.js';
import { ActivityTimer, endsWithHeaders, type SettingsArgument, type SettingsInForce, toNodeSettings, toSettingsInput, withRequestDefaults } from './node-session.js';
import { type H2DuplexOptions, resolveDuplexOptions } from './options.js';
import { SendScheduler } from './send-scheduler.js';
import type { StreamHost, StreamRole } from './stream-host.js';
import { FrameTrace } from './trace.js';
import { isTransportTarget, TransportWriter } from './transport-writer.js';

export type { H2DuplexOptions } from './options.js';
export type { H2CoreEvents, H2DuplexEvents, H2DuplexStats } from './event-map.js';

/**
 * What one open stream costs besides its buffers: an H2Stream (a Duplex) and the core's Stream.
 * `npm run bench:memory` over 10,000 open streams measured 1.6 KiB of live heap and 4.9 KiB of
 * server RSS per stream (node:http2: 1.1 / 4.7 KiB); the estimate sits between the two.
 */
const STREAM_MEMORY_ESTIMATE = 4096;
/** Both HPACK tables at their default size (SETTINGS_HEADER_TABLE_SIZE 4096 each way). */
const HEADER_TABLES_ESTIMATE = 2 * 4096;
/** Input silence after which the connection's output slab is released. */
const QUIET_RELEASE_MS = 1000;
/** Core output that is pushed at once from `_write` instead of waiting for the coalescing flush. */
const FLUSH_NOW_AT = 16 * 1024;
/**
 * Milliseconds of input work (parsing, decoding, the listeners it runs) after which the next
 * input chunk waits for a turn of the event loop. libuv reads up to 32 chunks of 64 KiB from a
 * socket in one go, and a `_write` that calls back at once is handed the next buffered chunk
 * in the same turn: a peer sending costly frames (128 KiB header blocks) held every other
 * connection, timer and new connection for 10-15 ms per turn (a fresh GET waited 120 ms).
 */
const INPUT_TURN_MS = 1;
/** Every key of the options of `request()`. */
const REQUEST_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream', 'waitForTrailers', 'signal', 'exclusive', 'parent', 'weight', 'silent']);

/**
 * Options of {@link H2Duplex.request}: node:http2's. `exclusive`, `parent`, `weight` (RFC 7540
 * priorities, deprecated by RFC 9113 §5.3.2) and `silent` are accepted and have no effect.
 */
export interface RequestOptions extends SendHeadersAdapterOptions {
  /** Aborting it destroys the stream with an AbortError (RST_STREAM CANCEL). */
  signal?: AbortSignal;
  exclusive?: boolean;
  parent?: number;
  weight?: number;
  silent?: boolean;
}

/** node:http2's `ping()` callback. */
export type PingCallback = (error: Error | null, duration: number, payload: Buffer) => void;
/** node:http2's `settings()` callback. */
export type SettingsCallback = (error: Error | null, settings: SettingsInForce, duration: number) => void;

/** `signal` destroys `stream` with an AbortError when it aborts (now, if it has). */
function abortWith(stream: H2Stream, signal: AbortSignal): void {
  const abort = (): void => {
    stream.destroy(new DOMException('The operation was aborted', 'AbortError'));
  };
  if (signal.aborted) {
    process.nextTick(abort);
    return;
  }
  signal.addEventListener('abort', abort, { once: true });
  stream.once('close', () => {
    signal.removeEventListener('abort', abort);
  });
}

/** A header name or value as the latin1 string events carry. */
function latin1(octets: string | Uint8Array): string {
  return typeof octets === 'string' ? octets : Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString('latin1');
}

/** TCP_NODELAY on a TCP socket (`net.Socket`, TLS included); anything else is left alone. */
function setNoDelay(stream: unknown): void {
  if (stream instanceof net.Socket) stream.setNoDelay(true);
}


/**
 * One HTTP/2 connection as a Duplex: pipe a transport's bytes in and its output back
 * (`socket.pipe(h2).pipe(socket)`); requests and responses are H2Streams.
 */
export class H2Duplex extends Duplex {
  /** The sans-IO core underneath. */
  readonly connection: H2Connection;

  readonly #router: StreamRouter;
  readonly #host: StreamHost<H2Stream>;
  readonly #scheduler: SendScheduler<H2Stream>;
  readonly #deadlines: Deadlines;
  readonly #streamHwm: number;
  #flushHandle: NodeJS.Immediate | null = null;
  /** Milliseconds spent on input since the last yield to the event loop (see INPUT_TURN_MS). */
  #inputWork = 0;
  /** The `_write` callback held while the output is over its high-water mark. */
  #heldInput: (() => void) | null = null;
  #outputEnded = false;
  /** A WINDOW_UPDATE (or SETTINGS) in the input being dispatched may have opened a window. */
  #windowOpened = false;
  /** The pipe destination written to directly, if any (see pipe()). */
  #transport: TransportWriter | null = null;
  readonly #end: ConnectionEnd;
  readonly #noDelay: boolean;
  #remoteAddress: string | undefined;
  #remotePort: number | undefined;
  readonly #maxStreams: number;
  #streamsSeen = 0;
  readonly #maxSessionMemory: number;
  readonly #trace: FrameTrace | null;
  #bytesReceived = 0;
  #bytesSent = 0;
  #lastRtt: number | null = null;
  #upgradeSettings: string | null = null;
  #upgradeStream: H2Stream | null = null;
  /** Client: the origin requests default to (`authority` option). */
  readonly #authority: URL | null;
  /** The transport piped into us (node's `session.socket`). */
  #socket: Duplex | NodeJS.ReadWriteStream | null = null;
  readonly #sessionTimeout = new ActivityTimer(() => this.emit('timeout'));

  constructor(options: H2DuplexOptions = {}) {
    const resolved = resolveDuplexOptions(options);
    const hwm = resolved.outputHighWaterMark;
    super({ allowHalfOpen: true, readableHighWaterMark: hwm, writableHighWaterMark: hwm });
    this.connection = new H2Connection(resolved.config);
    this.#streamHwm = resolved.streamHighWaterMark;
    this.#maxStreams = resolved.maxStreamsPerConnection;
    this.#maxSessionMemory = resolved.maxSessionMemory;
    this.#noDelay = resolved.noDelay;
    this.#authority = resolved.authority;
    this.#scheduler = new SendScheduler<H2Stream>(this.connection, this.#schedulerHost(), sendPort, hwm);
    this.#host = this.#makeHost();
    this.#router = this.#makeRouter();
    this.#deadlines = new Deadlines(resolved.deadlines, (now) => {
      this.#onTick(now);
    });
    this.#end = this.#makeEnd();
    // The source piped into us is usually the socket: remember its address for H2Stream.
    this.on('pipe', (source: Duplex & { remoteAddress?: unknown; remotePort?: unknown }) => {
      this.#socket ??= source;
      if (typeof source.remoteAddress === 'string') this.#remoteAddress = source.remoteAddress;
      if (typeof source.remotePort === 'number') this.#remotePort = source.remotePort;
      if (this.#noDelay) setNoDelay(source);
    });

    this.#trace = resolved.trace === null ? null : new FrameTrace(resolved.trace, this.connection.config.clientSide);
    const connection = this.connection;
    const upgrade = options.upgrade;
    if (upgrade === undefined) connection.initiateConnection();
    else this.#startUpgraded(upgrade);
    const settings = resolved.settings;
    if (Object.keys(settings).length > 0 || (settings instanceof Map && settings.size > 0)) connection.updateSettings(settings);
    const window = resolved.connectionWindowSize;
    if (window > 65535) connection.incrementFlowControlWindow(window - 65535);
    // Timers last: a constructor that throws above (bad settings, a bad HTTP2-Settings value)
    // must not leave an interval running.
    this.#deadlines.watch();
    this.#scheduleFlush();
  }

  /** Frames and octets each way, open streams, windows, the last ping RTT. */
  get stats(): H2DuplexStats {
    const c = this.connection;
    return {
      framesReceived: c.framesReceived,
      framesSent: c.framesSent,
      bytesReceived: this.#bytesReceived,
      bytesSent: this.#bytesSent,
      openStreams: c.openInboundStreams + c.openOutboundStreams,
      inboundWindow: c.inboundFlowControlWindow,
      outboundWindow: c.outboundFlowControlWindow,
      lastRtt: this.#lastRtt,
    };
  }

  /** Client started with `upgrade: true`: the HTTP2-Settings header value for the HTTP/1.1 request. */
  get upgradeSettings(): string | null {
    return this.#upgradeSettings;
  }

  /** Client started with `upgrade: true`: stream 1, which carries the response to the upgraded request. */
  get upgradeStream(): H2Stream | null {
    return this.#upgradeStream;
  }

  /**
   * The core's h2c start (h2 `initiate_upgrade_connection`): stream 1 is the HTTP/1.1 request,
   * already sent (client) or received (server), so it is half-closed from the client's side.
   */
  #startUpgraded(upgrade: true | { settings: string; request: HeaderInput[] }): void {
    const connection = this.connection;
    if (connection.config.clientSide) {
      if (upgrade !== true) throw new InvalidArgumentError('H2Duplex: a client starts an upgrade with `upgrade: true`', 'ERR_H2_INVALID_OPTION');
      this.#upgradeSettings = connection.initiateUpgradeConnection();
      this.#upgradeStream = this.#router.adopt(1, 'request', true);
      return;
    }
    if (upgrade === true) throw new InvalidArgumentError('H2Duplex: a server upgrade needs the request: `upgrade: { settings, request }`', 'ERR_H2_INVALID_OPTION');
    connection.initiateUpgradeConnection(upgrade.settings);
    const headers = upgrade.request.map(([name, value]): [string, string] => [latin1(name), latin1(value)]);
    // Emitted once the caller has attached its 'stream' listener (it gets us back first).
    process.nextTick(() => {
      if (this.destroyed) return;
      const ended = new StreamEnded(1);
      this.#dispatch([new RequestReceived(1, headers, ended, null), ended]);
      this.#scheduleFlush();
    });
  }

  // Typed listeners for our own events; everything else is Duplex's.
  /** Typed listener for one of {@link H2DuplexEvents}. */
  override on<K extends keyof H2DuplexEvents>(event: K, listener: (...args: H2DuplexEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }

  /** Typed one-time listener for one of {@link H2DuplexEvents}. */
  override once<K extends keyof H2DuplexEvents>(event: K, listener: (...args: H2DuplexEvents[K]) => void): this;
  /** Any other event: the Duplex's own ('data', 'end', 'close', …). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own listener type
  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.once(event, listener);
  }

  /**
   * Octets this connection holds (what `maxSessionMemory` bounds): output queued in the core
   * and in our readable side, each stream's unread input and unsent writes, plus estimates for
   * stream objects and header tables. Input is not paused over the limit: the WINDOW_UPDATEs
   * that let queued output drain arrive as input.
   */
  get sessionMemory(): number {
    let octets = this.connection.outboundDataLength + this.#outputBuffered() + HEADER_TABLES_ESTIMATE;
    for (const stream of this.#router.values()) octets += STREAM_MEMORY_ESTIMATE + stream.readableLength + stream.writableLength;
    return octets;
  }

  /** The transport's remote address, when a net.Socket was piped in. */
  get remoteAddress(): string | undefined {
    return this.#remoteAddress;
  }

  /** The transport's remote port, learned from a piped net.Socket. */
  get remotePort(): number | undefined {
    return this.#remotePort;
  }

  // ------------------------------------------------------------------ public API

  /**
   * Client: open a stream with request `headers` (node's object form or pairs). What they
   * leave out gets node:http2's defaults: `:method` GET, `:path` '/', and `:scheme` and
   * `:authority` from the `authority` option (which `connect()` sets). `endStream` defaults
   * to true for GET, HEAD and DELETE, as in node:http2. When the peer's
   * SETTINGS_MAX_CONCURRENT_STREAMS is reached the request waits in a queue (its `id` is 0
   * until then; writes and `end()` wait too) and starts when a stream closes, as node:http2
   * does. `signal` (an AbortSignal) destroys the stream with an AbortError when aborted.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a server; `ERR_H2_GOAWAY` after a GOAWAY either
   * way (`close()`, `idleTimeout`, the peer's). ConnectionClosedError once the connection is
   * destroyed, failed or its transport ended. InvalidArgumentError for headers node refuses;
   * ProtocolError for headers the core refuses, or when stream ids are exhausted.
   */
  request(headers?: HeadersInput, options: RequestOptions = {}): H2Stream {
    if (!this.connection.config.clientSide) {
      throw new UsageError("request() is for clients, and this H2Duplex is a server (config.clientSide is false): answer requests in the 'stream' listener, or push with stream.pushStream()", UsageCodes.WRONG_SIDE);
    }
    const unavailable = this.#end.unavailable('request()', true);
    if (unavailable !== null) throw unavailable;
    checkOptionKeys('request()', options, REQUEST_OPTION_KEYS);
    const { list, method } = withRequestDefaults(toHeaderList(headers, 'request()'), this.#authority);
    const endStream = options.endStream ?? endsWithHeaders(method);
    const stream = this.#open(list, endStream);
    streamInbox.requestSent(stream, sentHeaderObject(headers, list), options.waitForTrailers === true);
    if (options.signal !== undefined) abortWith(stream, options.signal);
    return stream;
  }

  #open(list: HeaderInput[], endStream: boolean): H2Stream {
    const scheduler = this.#scheduler;
    if (scheduler.canOpen()) return this.#router.adopt(scheduler.open(list, endStream), 'request', endStream);
    const stream = new H2Stream(this.#host, 0, 'request', this.#streamHwm, endStream);
    scheduler.queueOpen({
      headers: list,
      endStream,
      get cancelled() {
        return stream.destroyed;
      },
      opened: (id) => {
        this.#router.route(id, stream);
        streamInbox.started(stream, id);
      },
      failed: (error) => {
        streamInbox.fail(stream, toH2Error(error));
      },
    });
    return stream;
  }

  /**
   * PING; resolves with the round-trip time in milliseconds when the ACK arrives. Rejects at
   * once with ConnectionClosedError on a closed connection, UsageError `ERR_H2_PING_IN_FLIGHT`
   * for a payload already in flight; AckTimeoutError after `ackTimeout`.
   */
  ping(payload?: Uint8Array): Promise<number>;
  /** node:http2's form: `callback(err, durationMs, payload)`; returns whether the PING was sent. */
  ping(callback: PingCallback): boolean;
  /** node:http2's form with a payload (8 octets). */
  ping(payload: Uint8Array, callback: PingCallback): boolean;
  ping(payload?: Uint8Array | PingCallback, callback?: PingCallback): Promise<number> | boolean {
    const done = typeof payload === 'function' ? payload : callback;
    const data = typeof payload === 'function' ? undefined : payload;
    const sent = data === undefined ? randomBytes(8) : Buffer.from(data);
    let pinged = false; // the executor runs now: node's boolean answer
    const rtt = new Promise<number>((resolve, reject) => {
      const unavailable = this.#end.unavailable('ping()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      const key = sent.toString('hex');
      if (this.#deadlines.pingInFlight(key)) {
        reject(new UsageError(`ping(): a ping with payload ${key} is already in flight; wait for it or use another payload`, UsageCodes.PING_IN_FLIGHT));
        return;
      }
      this.connection.ping(sent);
      pinged = true;
      this.#deadlines.waitForPing(key, resolve, reject);
      this.#scheduleFlush();
    });
    if (done === undefined) return rtt;
    rtt.then((ms) => { done(null, ms, sent); }, (err: unknown) => { done(err as Error, 0, sent); });
    return pinged;
  }

  /**
   * SETTINGS (by node's names, `{ initialWindowSize: 1 << 20 }`, or by code); resolves with
   * what changed once the peer acknowledges them. Rejects at once with ConnectionClosedError
   * on a closed connection; AckTimeoutError after `ackTimeout`.
   */
  settings(settings: SettingsArgument): Promise<Map<number, ChangedSetting>>;
  /** node:http2's form: `callback(err, settings, duration)` once acknowledged. */
  settings(settings: SettingsArgument, callback: SettingsCallback): void;
  settings(settings: SettingsArgument, callback?: SettingsCallback): Promise<Map<number, ChangedSetting>> | undefined {
    const started = performance.now();
    const changed = new Promise<Map<number, ChangedSetting>>((resolve, reject) => {
      const unavailable = this.#end.unavailable('settings()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      this.connection.updateSettings(toSettingsInput(settings));
      this.#deadlines.waitForSettings(resolve, reject);
      this.#scheduleFlush();
    });
    if (callback === undefined) return changed;
    changed.then(() => { callback(null, this.localSettings, performance.now() - started); }, (err: unknown) => { callback(err as Error, this.localSettings, 0); });
    return undefined;
  }

  /**
   * GOAWAY. With NO_ERROR (default) the close is graceful: open streams finish, then the
   * readable side ends. With another code every open stream fails at once. Resolves when the
   * readable side has ended.
   */
  close(errorCode?: number): Promise<void>;
  /** node:http2's form: graceful, `callback` once closed. */
  close(callback: () => void): void;
  close(errorCode: number | (() => void) = ErrorCodes.NO_ERROR): Promise<void> | undefined {
    const callback = typeof errorCode === 'function' ? errorCode : undefined;
    const closed = this.#end.close(typeof errorCode === 'number' ? errorCode : ErrorCodes.NO_ERROR);
    this.#scheduleFlush();
    if (callback === undefined) return closed;
    void closed.then(callback);
    return undefined;
  }

  /**
   * node:http2's `goaway()`: GOAWAY with `code`, `lastStreamID` (default: the last stream the
   * peer opened) and `opaqueData`. NO_ERROR starts the graceful close (`close()`), another code
   * the error close; node's session stays open after it, ours then ends as `close()` does.
   */
  goaway(code: number = ErrorCodes.NO_ERROR, lastStreamID?: number, opaqueData?: Uint8Array): void {
    void this.#end.close(code, { ...(lastStreamID === undefined ? {} : { lastStreamId: lastStreamID }), ...(opaqueData === undefined ? {} : { additionalData: opaqueData }) });
    this.#scheduleFlush();
  }

  /** Emits 'timeout' after `ms` without input or output on the connection (0 disables), as node:http2's session. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback);
    this.#sessionTimeout.set(ms);
    return this;
  }

  /** The transport piped into this duplex (a socket, usually), or null; node's `session.socket`. */
  get socket(): Duplex | NodeJS.ReadWriteStream | null {
    return this.#socket;
  }

  /** The transport is TLS (node's `session.encrypted`); undefined before one is piped in. */
  get encrypted(): boolean | undefined {
    return this.#socket === null ? undefined : (this.#socket as { encrypted?: unknown }).encrypted === true;
  }

  /** The ALPN protocol the TLS socket agreed, 'h2c' over cleartext (node's `session.alpnProtocol`); undefined before a transport. */
  get alpnProtocol(): string | undefined {
    if (this.#socket === null) return undefined;
    const alpn = (this.#socket as { alpnProtocol?: unknown }).alpnProtocol;
    return typeof alpn === 'string' ? alpn : 'h2c';
  }

  /** node's `session.type`: 0 for a server, 1 for a client. */
  get type(): 0 | 1 {
    return this.connection.config.clientSide ? 1 : 0;
  }

  /** `close()` or `goaway()` was called, or a limit started the close (node's `session.closed` is this or `destroyed`; `closed` here is the Duplex's own). */
  get closing(): boolean {
    return this.#end.closeStarted;
  }

  /** The transport is still connecting (node's `session.connecting`). */
  get connecting(): boolean {
    return (this.#socket as { connecting?: unknown } | null)?.connecting === true;
  }

  /** Our settings in force (acknowledged), by node's names. */
  get localSettings(): SettingsInForce {
    return toNodeSettings(this.connection.localSettings);
  }

  /** The peer's settings, by node's names. */
  get remoteSettings(): SettingsInForce {
    return toNodeSettings(this.connection.remoteSettings);
  }

  /** Our SETTINGS were sent and not yet acknowledged (node's `session.pendingSettingsAck`). */
  get pendingSettingsAck(): boolean {
    return this.connection.outstandingSettings > 0;
  }

  /** node's `session.state`: the windows either way, what is queued, the next stream id. */
  get state(): { localWindowSize: number; remoteWindowSize: number; outboundQueueSize: number; nextStreamID: number } {
    const c = this.connection;
    let nextStreamID = 0;
    try {
      nextStreamID = c.config.clientSide ? c.getNextAvailableStreamId() : 0;
    } catch {
      // Ids exhausted or the connection closed.
    }
    return { localWindowSize: c.inboundFlowControlWindow, remoteWindowSize: c.outboundFlowControlWindow, outboundQueueSize: c.outboundDataLength + this.#outputBuffered(), nextStreamID };
  }

  /** Client over TLS: the origins this connection may serve (node's `session.originSet`); undefined otherwise. */
  get originSet(): string[] | undefined {
    return this.encrypted === true && this.#authority !== null ? [this.#authority.origin] : undefined;
  }

  /** Keep the process alive for this connection's transport (node's `session.ref()`). */
  ref(): void {
    (this.#socket as { ref?: () => void } | null)?.ref?.();
  }

  /** Do not keep the process alive for this connection's transport (node's `session.unref()`). */
  unref(): void {
    (this.#socket as { unref?: () => void } | null)?.unref?.();
  }

  // ------------------------------------------------------------------ Duplex implementation

  /** Input from the transport: fed to the core, events dispatched (Duplex internals). */
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    if (this.#end.inputClosed) {
      callback();
      this.#end.discarded(chunk.length);
      return;
    }
    const started = performance.now();
    this.#deadlines.inputArrived(Date.now());
    this.#sessionTimeout.touch();
    this.#bytesReceived += chunk.length;
    this.#trace?.received(chunk);
    // maxSessionMemory: decided before the core sees the input, so refused streams are counted there.
    if (this.#maxSessionMemory !== Infinity) this.connection.refuseNewStreams = this.sessionMemory > this.#maxSessionMemory;
    let events: Event[];
    try {
      events = this.connection.receiveData(chunk);
    } catch (err) {
      this.#end.connectionError(err);
      callback();
      return;
    }
    this.#dispatch(events);
    // Answers (PING/SETTINGS ACKs, resets) count against the output bound at once: a peer that
    // sends many frames in one read must not queue unbounded answers before the next flush.
    // A window that opened for a parked writer is used at once, not a turn later: in a
    // window-bound transfer every WINDOW_UPDATE round trip includes that delay. So is the
    // output of a connection with at most one stream: there is nothing to coalesce it with,
    // and an answer written in the read that asked saves the turn (S3: 22.5 -> 19 us from the
    // request's read to the response's write; p50 0.093-0.096 -> 0.088-0.090 ms).
    if (this.connection.outboundDataLength >= FLUSH_NOW_AT || (this.#windowOpened && this.#scheduler.waiting > 0) || this.#router.size <= 1) this.#flush();
    else this.#scheduleFlush();
    this.#windowOpened = false;
    if (this.#outputBuffered() >= this.readableHighWaterMark) this.#heldInput = callback;
    else if ((this.#inputWork += performance.now() - started) >= INPUT_TURN_MS) {
      // The next chunk waits a turn, so other connections are served in between; meanwhile
      // the transport buffers up to writableHighWaterMark, then stops reading.
      this.#inputWork = 0;
      setImmediate(callback);
    } else callback();
  }

  /** The transport wants output: releases held input and waiting writers (Duplex internals). */
  override _read(): void {
    // Called before the reader takes what it asked for, so readableLength may still be over
    // the mark: the reader asking is the signal.
    this.#releaseInput();
    this.#scheduler.outputDrained();
  }

  /**
   * Piping to a Writable (the usual `h2.pipe(socket)`) makes the duplex write to it directly
   * (TransportWriter: batched writes; to a net.Socket, payloads not copied and their write
   * callbacks held until the socket wrote them). It behaves as `pipe()` does for the destination; the readable side then
   * carries no data, so a second destination or a 'data' listener added later sees none.
   * Anything else, or a duplex already being read, is piped as usual.
   */
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean | undefined }): T {
    if (this.#noDelay) setNoDelay(destination);
    if (this.#transport !== null || this.readableFlowing !== null || this.#outputEnded || !isTransportTarget(destination)) {
      return super.pipe(destination, options);
    }
    // Output pushed before the pipe (the duplex was piped a turn or more after it was made)
    // goes first, as pipe() would have sent it.
    const earlier = this.readableLength > 0 ? (this.read() as Buffer | null) : null;
    const transport = new TransportWriter(
      destination,
      options?.end !== false,
      () => {
        this.#outputDrained();
      },
      () => {
        this.#leaveTransport(transport);
      },
    );
    this.#transport = transport;
    destination.emit('pipe', this);
    if (earlier !== null) transport.write([earlier]);
    // Flowing with nothing in it, so that the end of the output still emits 'end'.
    this.resume();
    return destination;
  }

  /** Stops writing to `destination` (or any), as `unpipe()` does; later output is buffered for a reader. */
  override unpipe(destination?: NodeJS.WritableStream): this {
    const transport = this.#transport;
    if (transport !== null && (destination === undefined || (destination as unknown) === transport.dest)) {
      this.#leaveTransport(transport);
      transport.dest.emit('unpipe', this);
      if (destination !== undefined) return this;
    }
    return super.unpipe(destination as never);
  }

  #leaveTransport(transport: TransportWriter): void {
    transport.detach();
    if (this.#transport !== transport) return;
    this.#transport = null;
    // Output from now on waits in the readable side for whoever reads next.
    if (this.listenerCount('data') === 0) this.pause();
  }

  /** Octets of output not yet taken by the transport (or by a reader of the readable side). */
  #outputBuffered(): number {
    return this.#transport === null ? this.readableLength : this.#transport.buffered + this.readableLength;
  }

  /** The output buffer went down: release held input and the writers waiting for room. */
  #outputDrained(): void {
    if (this.#outputBuffered() < this.readableHighWaterMark) this.#releaseInput();
    this.#scheduler.outputDrained();
  }

  #releaseInput(): void {
    const held = this.#heldInput;
    if (held !== null) {
      this.#heldInput = null;
      held();
    }
  }

  /** The transport ended (EOF): streams that have not finished never will. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#end.transportEnded();
    this.#failAll(new ConnectionClosedError('The transport ended before the stream finished'));
    this.#flush();
    this.#endOutput();
    callback();
    this.#end.afterTransportEnded();
  }

  /** Fails every stream and stops the timers (Duplex internals). */
  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#end.destroying(error);
    if (this.#flushHandle !== null) clearImmediate(this.#flushHandle);
    this.#flushHandle = null;
    this.#failAll(new ConnectionClosedError(error === null ? 'The connection was destroyed' : `The connection failed: ${error.message}`, ErrorCodes.INTERNAL_ERROR, { cause: error ?? undefined }));
    this.#deadlines.stop();
    this.#sessionTimeout.stop();
    this.#outputEnded = true;
    if (this.#transport !== null) this.#leaveTransport(this.#transport);
    this.#end.ended();
    callback(error);
  }

  // ------------------------------------------------------------------ byte flow

  #scheduleFlush(): void {
    if (this.#flushHandle === null && !this.#outputEnded) {
      this.#flushHandle = setImmediate(() => {
        this.#flushHandle = null;
        this.#flush();
      });
    }
  }

  /** Hands parked writes to the core (the scheduler's send phase), then pushes what the core queued. */
  #flush(): void {
    // Called directly (from _write, an abort, a close): the flush already scheduled for this
    // turn has nothing left to do. Left pending, it ran an empty flush on every round trip of
    // a window-bound transfer.
    if (this.#flushHandle !== null) {
      clearImmediate(this.#flushHandle);
      this.#flushHandle = null;
    }
    if (this.#outputEnded) return;
    this.#scheduler.run();
    // Slabs (and lent payloads) as they are: joining them would copy every octet again.
    const chunks = this.connection.dataToSendChunks();
    if (chunks.length > 0) this.#sessionTimeout.touch();
    for (const chunk of chunks) {
      this.#bytesSent += chunk.length;
      this.#trace?.sent(chunk);
    }
    const transport = this.#transport;
    if (transport !== null) transport.write(chunks);
    else for (const chunk of chunks) this.push(chunk);
    this.#scheduler.afterFlush();
    this.#end.maybeFinishDraining();
  }

  #endOutput(): void {
    if (this.#outputEnded) return;
    this.#outputEnded = true;
    if (this.#flushHandle !== null) clearImmediate(this.#flushHandle);
    this.#flushHandle = null;
    this.#deadlines.unwatch();
    this.push(null);
    this.#transport?.end();
    this.#end.ended();
  }

  /** A tick of the deadlines: act on a connection limit that passed, reset idle streams, release memory. */
  #onTick(now: number): void {
    if (this.destroyed || this.#outputEnded) return;
    const connection = this.connection;
    const deadlines = this.#deadlines;
    const quiet = this.#router.size === 0 && this.#scheduler.opensWaiting === 0 && !this.#end.closeStarted;
    const expired = deadlines.expired({ remoteSettingsReceived: connection.remoteSettingsReceived, outstandingSettings: connection.outstandingSettings, inHeaderBlock: connection.inHeaderBlock, quiet }, now);
    // A passed limit ends the connection (idle: gracefully, after this tick's housekeeping).
    if (expired !== null && expired !== 'idle') {
      this.#end.limitPassed(expired);
      return;
    }
    const streamIdle = deadlines.limits.streamIdle;
    if (streamIdle !== null) this.#resetIdleStreams(now, streamIdle);
    // A quiet connection gives back its output slab (most of an idle connection's memory).
    if (now - deadlines.lastInputAt >= QUIET_RELEASE_MS && this.#flushHandle === null) connection.releaseBuffers();
    if (expired === 'idle') {
      this.#end.limitPassed(expired);
      this.#scheduleFlush();
    }
  }

  /** streamIdleTimeout: streams with nothing sent or received for `ms` get 'timeout', then RST_STREAM(CANCEL). */
  #resetIdleStreams(now: number, ms: number): void {
    let idle: H2Stream[] | null = null;
    for (const stream of this.#router.values()) if (streamInbox.idleFor(stream, now) >= ms) (idle ??= []).push(stream);
    if (idle === null) return;
    for (const stream of idle) streamInbox.idleTimeout(stream, ms);
    this.#flush();
  }

  /** Every stream and waiter fails with `error` (the connection is gone or going). */
  #failAll(error: ConnectionClosedError): void {
    this.#scheduler.failOpens(() => error);
    for (const stream of this.#router.takeAll()) streamInbox.fail(stream, error);
    this.#deadlines.failWaiters(error);
  }

  // ------------------------------------------------------------------ events

  #dispatch(events: Event[]): void {
    // Requests opened and reset by the peer in one read never reach the application (the core
    // counts them: maxPendingResetStreams).
    this.#router.beginRead(events);
    for (const ev of events) {
      if (!this.#router.deliver(ev)) {
        if (ev instanceof WindowUpdated) this.#onWindow();
        else if (ev instanceof RemoteSettingsChanged) this.#onSettingsChanged();
        else if (ev instanceof SettingsAcknowledged) this.#onSettingsAcked(ev);
        else if (ev instanceof PingAckReceived) this.#onPingAck(ev);
        else if (ev instanceof PingReceived) this.emit('ping', ev.pingData);
        else if (ev instanceof ConnectionTerminated) this.#onGoAway(ev);
      }
      this.emit(ev.eventName, ev);
      this.emit('event', ev);
    }
  }

  /**
   * Window opened on a stream or on all of them (stream 0, SETTINGS): retry parked writes.
   * Only from #dispatch in _write, which then flushes at once: no flush is scheduled here.
   */
  #onWindow(): void {
    this.#windowOpened = true;
    this.#scheduler.windowOpened();
  }

  /** The peer's SETTINGS may open windows (INITIAL_WINDOW_SIZE) and stream slots. */
  #onSettingsChanged(): void {
    this.#onWindow();
    if (this.#scheduler.opensWaiting > 0) this.#scheduler.startOpens();
    if (this.listenerCount('remoteSettings') > 0) this.emit('remoteSettings', this.remoteSettings);
  }

  #onSettingsAcked(ev: SettingsAcknowledged): void {
    this.#deadlines.settingsAcked(ev.changedSettings);
    if (this.listenerCount('localSettings') > 0) this.emit('localSettings', this.localSettings);
  }

  #onPingAck(ev: PingAckReceived): void {
    const key = ev.pingData.toString('hex');
    // The fence of our graceful close: the read that carried the ACK flushes, and the flush
    // ends a drained connection.
    if (this.#end.fenceAcked(key)) return;
    const rtt = this.#deadlines.pingAcked(key);
    if (rtt !== null) this.#lastRtt = rtt;
  }

  #onGoAway(ev: ConnectionTerminated): void {
    this.#end.peerGoaway(ev);
    this.emit('goaway', ev.errorCode, ev.lastStreamId, ev.additionalData);
    // Queued requests never reached the peer: they fail as retryable.
    this.#scheduler.failOpens(() => new StreamResetError(0, ErrorCodes.REFUSED_STREAM, true));
  }

  // ------------------------------------------------------------------ streams

  #makeRouter(): StreamRouter {
    return new StreamRouter({
      connection: this.connection,
      makeStream: (id, role, localEnded) => new H2Stream(this.#host, id, role, this.#streamHwm, localEnded),
      listenerCount: (event) => this.listenerCount(event),
      emit: (event, ...args) => this.emit(event, ...args),
      admitted: () => {
        // A lifetime cap, then a graceful close (this stream still completes).
        if (this.#maxStreams > 0 && ++this.#streamsSeen >= this.#maxStreams) {
          this.#end.gracefulBecause('maxStreamsPerConnection was reached');
          void this.close();
        }
      },
    });
  }

  #makeEnd(): ConnectionEnd {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host's getters read the duplex's state as it changes
    const duplex = this;
    return new ConnectionEnd({
      connection: this.connection,
      deadlines: this.#deadlines,
      get destroyed() {
        return duplex.destroyed;
      },
      get outputEnded() {
        return duplex.#outputEnded;
      },
      get openStreams() {
        return duplex.#router.size;
      },
      flush: () => {
        this.#flush();
      },
      endOutput: () => {
        this.#endOutput();
      },
      failAll: (error) => {
        this.#failAll(error);
      },
      destroyQuietly: (error) => {
        this.destroy(error !== undefined && this.listenerCount('error') > 0 ? error : undefined);
      },
    });
  }

  #makeHost(): StreamHost<H2Stream> {
    return {
      connection: this.connection,
      session: this,
      scheduler: this.#scheduler,
      scheduleFlush: () => {
        this.#scheduleFlush();
      },
      adopt: (id: number, role: StreamRole) => this.#router.adopt(id, role),
      forget: (stream: H2Stream) => {
        this.#router.forget(stream);
        if (this.#scheduler.opensWaiting > 0) this.#scheduler.startOpens();
        if (this.connection.draining) this.#scheduleFlush();
      },
      address: () => ({ remoteAddress: this.#remoteAddress, remotePort: this.#remotePort }),
    };
  }

  #schedulerHost() {
    return {
      outputRoom: () => this.readableHighWaterMark - this.#outputBuffered(),
      scheduleFlush: () => {
        this.#scheduleFlush();
      },
      zeroCopy: () => this.#transport?.lendsPayloads === true,
      afterSent: (callback: () => void) => {
        const transport = this.#transport;
        if (transport === null) callback();
        else transport.releaseAt(transport.queued + this.connection.outboundDataLength, callback);
      },
      connectionFailed: (error: DenialOfServiceError) => {
        // Not from inside the send loop that asked: the teardown flushes and ends our output.
        queueMicrotask(() => {
          this.#end.connectionError(error);
        });
      },
    };
  }
}
