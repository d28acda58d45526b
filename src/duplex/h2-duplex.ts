/**
 * H2Duplex: the sans-IO H2Connection as a readable-stream Duplex, so that
 * `socket.pipe(h2).pipe(socket)` speaks HTTP/2 over any byte stream.
 *
 * A Duplex that pumps bytes through a core: transport bytes → `receiveData` → events
 * (#dispatch); the core's frames → the transport. The work is handed to rooms:
 * - {@link InputPump}: the transport's octets into the core, a bounded amount of work per call;
 * - {@link OutputFlush}: when the core's output goes to the transport: one flush per turn of
 *   the event loop, or at once where waiting would cost a round trip;
 * - {@link TransportLink}: the transports either side (`pipe()` writes to a socket directly)
 *   and backpressure both ways: the output buffer, and the input held while it is full;
 * - {@link StreamRouter}: the streams by id, the core's stream events delivered to them;
 * - {@link ConnectionControl}: stream 0's messages, ours (ping, settings, close) and the peer's;
 * - {@link ClientRequests}: `request()`, and requests queued until the peer has a stream slot;
 * - {@link SendScheduler}: which parked stream write goes to the core next, within the output
 *   budget and the peer's windows, and queued requests started as slots free up;
 * - {@link Deadlines}: every time limit and the ping/settings waiters, on a shared tick;
 * - {@link ConnectionEnd}: the graceful and error closes.
 * What stays here: node:http2's session API, the wiring, where each event goes, and what each
 * tick means.
 */
import { Duplex } from 'readable-stream';
import { useFastListeners } from './fast-listeners.js';
import { ErrorCodes } from '../error-codes.js';
import { ConnectionClosedError, type DenialOfServiceError } from '../errors.js';
import { type ChangedSetting, type Event, H2Connection } from '../core/index.js';
import { ClientRequests, type RequestOptions } from './client-requests.js';
import { ConnectionControl, type ControlHost, type PingCallback, type SettingsCallback } from './connection-control.js';
import { ConnectionEnd, type EndHost } from './connection-end.js';
import { Deadlines, type DeadlinesOwner } from './deadlines.js';
import type { H2DuplexEvents, H2DuplexStats } from './event-map.js';
import { H2Stream, sendPort } from './h2-stream.js';
import { type InputHost, InputPump } from './input-pump.js';
import { type FlushHost, OutputFlush } from './output-flush.js';
import type { HeadersInput } from './node-headers.js';
import { type OriginInput, sessionState, type SettingsArgument, type SettingsInForce, toNodeSettings, withFirstSettings } from './node-session.js';
import { type H2DuplexOptions, resolveDuplexOptions } from './options.js';
import { type SchedulerHost, SendScheduler } from './send-scheduler.js';
import type { StreamHost, StreamRole } from './stream-host.js';
import type { Deadlines as DeadlinesType } from './deadlines.js';
import { type RouterHost, StreamRouter } from './stream-router.js';
import { FrameTrace } from './trace.js';
import { TransportLink } from './transport-link.js';
import { startClientUpgrade, startServerUpgrade, type UpgradeOption } from './upgrade-start.js';

export type { H2DuplexOptions } from './options.js';
export type { H2CoreEvents, H2DuplexEvents, H2DuplexStats } from './event-map.js';
export type { PingCallback, SettingsCallback } from './connection-control.js';
export type { RequestOptions } from './client-requests.js';

/**
 * Input octets queued on the writable side while the core works through earlier input (a turn's
 * wait, output over its high-water mark); past it the transport is not read. At the output's
 * 1 MiB, a flood kept up to 1 MiB of read chunks per connection waiting (upload throughput is
 * the same either way: h2load, 64 KiB POST bodies echoed).
 */
const INPUT_HIGH_WATER_MARK = 64 * 1024;
/** Both HPACK tables at their default size (SETTINGS_HEADER_TABLE_SIZE 4096 each way). */
const HEADER_TABLES_ESTIMATE = 2 * 4096;
/** Input silence after which the connection's output slab is released. */
const QUIET_RELEASE_MS = 1000;

/** Every room's host interface at once, on one object per connection (see H2Duplex's static block). */
type DuplexHost = StreamHost<H2Stream> & SchedulerHost & EndHost & RouterHost & ControlHost & DeadlinesOwner & InputHost & FlushHost;
/** Made in H2Duplex's static block, where the duplex's private members are in reach. */
let makeDuplexHost: (duplex: H2Duplex) => DuplexHost;
/** Every duplex's `'pipe'` listener (one function, not a closure each; made in the static block). */
let duplexOnPipe: (this: H2Duplex, source: Duplex) => void;

/**
 * One HTTP/2 connection as a Duplex: pipe a transport's bytes in and its output back
 * (`socket.pipe(h2).pipe(socket)`); requests and responses are H2Streams.
 */
export class H2Duplex extends Duplex {
  /** The sans-IO core underneath. */
  readonly connection: H2Connection;

  readonly #router: StreamRouter;
  readonly #host: DuplexHost;
  readonly #scheduler: SendScheduler<H2Stream>;
  readonly #deadlines: Deadlines;
  readonly #streamHwm: number;
  /** When the core's output goes to the transport. */
  readonly #output: OutputFlush;
  /** The transports either side, and the bytes between them and our buffers. */
  readonly #link: TransportLink;
  readonly #end: ConnectionEnd;
  /** Stream 0's messages: our PING and SETTINGS, and what the peer's control frames mean. */
  readonly #control: ConnectionControl;
  /** The transport's octets into the core, a bounded amount of work at a time. */
  readonly #input: InputPump;
  /** `request()`'s machinery, made by the first request (a server never needs it). */
  #requests: ClientRequests | null = null;
  readonly #maxStreams: number;
  #streamsSeen = 0;
  readonly #maxSessionMemory: number;
  #upgradeSettings: string | null = null;
  #upgradeStream: H2Stream | null = null;
  /** Client: the origin requests default to (`authority` option). */
  readonly #authority: URL | null;

  constructor(options: H2DuplexOptions = {}) {
    const resolved = resolveDuplexOptions(options);
    const hwm = resolved.outputHighWaterMark;
    super({ allowHalfOpen: true, readableHighWaterMark: hwm, writableHighWaterMark: Math.min(hwm, INPUT_HIGH_WATER_MARK) });
    useFastListeners(this);
    this.connection = new H2Connection(resolved.config);
    this.#streamHwm = resolved.streamHighWaterMark;
    this.#maxStreams = resolved.maxStreamsPerConnection;
    this.#maxSessionMemory = resolved.maxSessionMemory;
    this.#authority = resolved.authority;
    // One host object answers every room (StreamHost, SchedulerHost, EndHost, RouterHost,
    // ControlHost, InputHost, FlushHost, DeadlinesOwner): ~35 closures and 5 object literals
    // (one in dictionary mode) were ~2 KiB a connection.
    const host = makeDuplexHost(this);
    this.#host = host;
    this.#scheduler = new SendScheduler<H2Stream>(this.connection, host, sendPort, hwm);
    this.#link = new TransportLink(this, {
      noDelay: resolved.noDelay,
      trace: resolved.trace === null ? null : new FrameTrace(resolved.trace, this.connection.config.clientSide),
      writers: this.#scheduler,
    });
    this.#router = new StreamRouter(host);
    this.#deadlines = new Deadlines(resolved.deadlines, host);
    this.#end = new ConnectionEnd(host);
    this.#control = new ConnectionControl(host);
    this.#input = new InputPump(host, this.#maxSessionMemory !== Infinity);
    this.#output = new OutputFlush(host);
    this.on('pipe', duplexOnPipe);
    const connection = this.connection;
    const settings = withFirstSettings(connection, resolved.settings);
    const upgrade = options.upgrade;
    if (upgrade === undefined) connection.initiateConnection();
    else this.#startUpgraded(upgrade);
    if (Object.keys(settings).length > 0 || (settings instanceof Map && settings.size > 0)) connection.updateSettings(settings);
    if (resolved.origins !== null) this.#control.origin(resolved.origins);
    const window = resolved.connectionWindowSize;
    if (window > 65535) connection.incrementFlowControlWindow(window - 65535);
    // Timers last: a constructor that throws above (bad settings, a bad HTTP2-Settings value)
    // must not leave an interval running.
    this.#deadlines.watch();
    this.#output.schedule();
  }

  /** Frames and octets each way, open streams, windows, the last ping RTT. */
  get stats(): H2DuplexStats {
    const c = this.connection;
    return {
      framesReceived: c.framesReceived,
      framesSent: c.framesSent,
      bytesReceived: this.#link.bytesReceived,
      bytesSent: this.#link.bytesSent,
      openStreams: c.openInboundStreams + c.openOutboundStreams,
      inboundWindow: c.inboundFlowControlWindow,
      outboundWindow: c.outboundFlowControlWindow,
      lastRtt: this.#control.lastRtt,
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

  /** The h2c start (upgrade-start.ts): stream 1 is the request the HTTP/1.1 connection carried. */
  #startUpgraded(upgrade: UpgradeOption): void {
    if (this.connection.config.clientSide) {
      this.#upgradeSettings = startClientUpgrade(this.connection, upgrade);
      this.#upgradeStream = this.#router.adopt(1, 'request', true);
      return;
    }
    const events = startServerUpgrade(this.connection, upgrade);
    // Emitted once the caller has attached its 'stream' listener (it gets us back first).
    process.nextTick(() => {
      if (this.destroyed) return;
      this.#dispatch(events);
      this.#output.schedule();
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
    return this.connection.outboundDataLength + this.#link.buffered + HEADER_TABLES_ESTIMATE + this.#router.memory();
  }

  /** The transport's remote address, when a net.Socket was piped in. */
  get remoteAddress(): string | undefined {
    return this.#link.remoteAddress;
  }

  /** The transport's remote port, learned from a piped net.Socket. */
  get remotePort(): number | undefined {
    return this.#link.remotePort;
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
    this.#requests ??= new ClientRequests({
      connection: this.connection,
      end: this.#end,
      scheduler: this.#scheduler,
      router: this.#router,
      authority: this.#authority,
      makeQueued: (endStream) => new H2Stream(this.#host, 0, 'request', this.#streamHwm, endStream),
    });
    return this.#requests.open(headers, options);
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
    return typeof payload === 'function' ? this.#control.ping(undefined, payload) : this.#control.ping(payload, callback);
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
    return this.#control.settings(settings, callback);
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
    return this.#control.close(typeof errorCode === 'number' ? errorCode : ErrorCodes.NO_ERROR, typeof errorCode === 'function' ? errorCode : undefined);
  }

  /**
   * node:http2's `goaway()`: GOAWAY with `code`, `lastStreamID` (default: the last stream the
   * peer opened) and `opaqueData`. NO_ERROR starts the graceful close (`close()`), another code
   * the error close; node's session stays open after it, ours then ends as `close()` does.
   */
  goaway(code: number = ErrorCodes.NO_ERROR, lastStreamID?: number, opaqueData?: Uint8Array): void {
    this.#control.goaway(code, lastStreamID, opaqueData);
  }

  /** Emits 'timeout' after `ms` without input or output on the connection (0 disables), as node:http2's session. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback);
    this.#link.setTimeout(ms);
    return this;
  }

  /** The transport piped into this duplex (a socket, usually), or null; node's `session.socket`. */
  get socket(): Duplex | NodeJS.ReadWriteStream | null {
    return this.#link.source;
  }

  /** The transport is TLS (node's `session.encrypted`); undefined before one is piped in. */
  get encrypted(): boolean | undefined {
    return this.#link.encrypted;
  }

  /** The ALPN protocol the TLS socket agreed, 'h2c' over cleartext (node's `session.alpnProtocol`); undefined before a transport. */
  get alpnProtocol(): string | undefined {
    return this.#link.alpnProtocol;
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
    return this.#link.connecting;
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
    return sessionState(this.connection, this.#link.buffered);
  }

  /**
   * Client over TLS: the origins this connection may serve (node's `session.originSet`): the
   * one connected to, then those the server named in ORIGIN frames; undefined otherwise.
   */
  get originSet(): string[] | undefined {
    if (this.encrypted !== true || this.#authority === null) return undefined;
    return [...new Set([this.#authority.origin, ...this.#control.receivedOrigins])];
  }

  /**
   * Server: an ORIGIN frame (RFC 8336), as node:http2's `session.origin()` (strings are read as
   * URLs, URLs and objects give their `origin`).
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a client; ConnectionClosedError after the end;
   *   InvalidArgumentError `ERR_H2_INVALID_ORIGIN`, `ERR_H2_ORIGIN_LENGTH`.
   */
  origin(...origins: OriginInput[]): void {
    this.#control.origin(origins);
  }

  /**
   * Server: an ALTSVC frame (RFC 7838), as node:http2's `session.altsvc(alt, originOrStream)`:
   * `alt` is the Alt-Svc field value (`'h2=":8443"; ma=3600'`), `originOrStream` the origin it
   * applies to (a URL string, a URL or an object with `origin`; sent on stream 0) or the id of
   * an open stream (the origin is that stream's). A client receives it as `'altsvc'`.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a client; ConnectionClosedError after the end;
   *   InvalidArgumentError `ERR_H2_ALTSVC_INVALID_ORIGIN`, `ERR_H2_INVALID_CHAR`,
   *   `ERR_H2_ALTSVC_LENGTH`, `ERR_H2_INVALID_ARG`; OutOfRangeError for a stream id out of
   *   range; the core's StreamClosedError / NoSuchStreamError for a stream that is not open.
   */
  altsvc(alt: string, originOrStream?: OriginInput | number): void {
    this.#control.altsvc(alt, originOrStream);
  }

  /** Keep the process alive for this connection's transport (node's `session.ref()`). */
  ref(): void {
    this.#link.ref();
  }

  /** Do not keep the process alive for this connection's transport (node's `session.unref()`). */
  unref(): void {
    this.#link.unref();
  }

  // ------------------------------------------------------------------ Duplex implementation

  /**
   * Input from the transport. Writable's answer is false whenever a chunk is at least the
   * high-water mark, even when `_write` took it at once; a socket piped in then paused and
   * resumed around every read (some 2,000 times per 256 MiB downloaded, its reads buffered in
   * between). The answer here is false only while input is still queued (or the duplex is
   * ended, errored or destroyed, as Writable's); 'drain' follows as before.
   */
  override write(chunk: unknown, encoding?: string | ((error: Error | null | undefined) => void), callback?: (error: Error | null | undefined) => void): boolean {
    const taken = typeof encoding === 'function' ? super.write(chunk, encoding) : super.write(chunk, encoding, callback);
    return taken || (!this.destroyed && this.errored === null && !this.writableEnded && this.writableLength < this.writableHighWaterMark);
  }

  /** Input from the transport: fed to the core a bounded amount at a time, events dispatched (InputPump; Duplex internals). */
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    this.#input.write(chunk, callback);
  }

  /** The transport wants output: releases held input and waiting writers (Duplex internals). */
  override _read(): void {
    // Called before the reader takes what it asked for, so readableLength may still be over
    // the mark: the reader asking is the signal.
    this.#link.releaseInput();
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
    return this.#link.attach(destination, options?.end !== false) ? destination : super.pipe(destination, options);
  }

  /** Stops writing to `destination` (or any), as `unpipe()` does; later output is buffered for a reader. */
  override unpipe(destination?: NodeJS.WritableStream): this {
    return this.#link.detach(destination) ? this : super.unpipe(destination as never);
  }

  /** The transport ended (EOF): streams that have not finished never will. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#end.transportEnded();
    this.#failAll(() => new ConnectionClosedError('The transport ended before the stream finished'));
    this.#output.now();
    this.#output.end();
    callback();
    this.#end.afterTransportEnded();
  }

  /** Fails every stream and stops the timers (Duplex internals). */
  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#end.destroying(error);
    this.#output.cancel();
    this.#failAll(() => new ConnectionClosedError(error === null ? 'The connection was destroyed' : `The connection failed: ${error.message}`, ErrorCodes.INTERNAL_ERROR, { cause: error ?? undefined }));
    this.#deadlines.stop();
    this.#link.destroyed();
    this.#end.ended();
    callback(error);
  }

  // ------------------------------------------------------------------ ticks

  /** A tick of the deadlines: act on a connection limit that passed, reset idle streams, release memory. */
  #onTick(now: number): void {
    if (this.destroyed || this.#link.ended) return;
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
    if (streamIdle !== null && this.#router.resetIdle(now, streamIdle)) this.#output.now();
    // A quiet connection gives back its output slab (most of an idle connection's memory).
    if (now - deadlines.lastInputAt >= QUIET_RELEASE_MS && !this.#output.scheduled) {
      connection.releaseBuffers();
      // And the collections emptied since (an emptied stream table or array keeps its slots).
      this.#router.compact();
      this.#scheduler.compact();
      this.#link.compact();
    }
    if (expired === 'idle') {
      this.#end.limitPassed(expired);
      this.#output.schedule();
    }
  }

  /**
   * Fails every stream, waiting request and PING/SETTINGS waiter with the error `make` gives.
   * The error is made only when one of them is there: an Error captures a stack trace (~15 µs),
   * and most connections end with nothing left to fail (two a connection were 3.7 % of a
   * server's CPU when clients connected for one request each).
   */
  #failAll(make: () => ConnectionClosedError): void {
    if (this.#router.size === 0 && this.#scheduler.opensWaiting === 0 && !this.#deadlines.hasWaiters) return;
    const error = make();
    this.#scheduler.failOpens(() => error);
    this.#router.failAll(error);
    this.#deadlines.failWaiters(error);
  }

  // ------------------------------------------------------------------ events

  #dispatch(events: Event[]): void {
    // Requests opened and reset by the peer in one read never reach the application (the core
    // counts them: maxPendingResetStreams).
    this.#router.beginRead(events);
    for (const ev of events) {
      if (!this.#router.deliver(ev)) this.#control.deliver(ev);
      this.emit(ev.eventName, ev);
      this.emit('event', ev);
    }
  }

  // ------------------------------------------------------------------ streams

  static {
    /** The host of every room: getters and methods that reach into the duplex, none of them per-connection closures. */
    class Host {
      readonly #d: H2Duplex;
      constructor(duplex: H2Duplex) {
        this.#d = duplex;
      }
      // Shared members.
      get connection(): H2Connection {
        return this.#d.connection;
      }
      get scheduler(): SendScheduler<H2Stream> {
        return this.#d.#scheduler;
      }
      scheduleFlush(): void {
        this.#d.#output.schedule();
      }
      // StreamHost
      get session(): H2Duplex {
        return this.#d;
      }
      adopt(id: number, role: StreamRole): H2Stream {
        return this.#d.#router.adopt(id, role);
      }
      forget(stream: H2Stream): void {
        const d = this.#d;
        d.#router.forget(stream);
        d.#scheduler.forget(stream);
        if (d.#scheduler.opensWaiting > 0) d.#scheduler.startOpens();
        if (d.connection.draining) d.#output.schedule();
      }
      address(): { remoteAddress: string | undefined; remotePort: number | undefined } {
        return { remoteAddress: this.#d.#link.remoteAddress, remotePort: this.#d.#link.remotePort };
      }
      // SchedulerHost
      outputRoom(): number {
        return this.#d.readableHighWaterMark - this.#d.#link.buffered;
      }
      zeroCopy(): boolean {
        return this.#d.#link.lendsPayloads;
      }
      afterSent(callback: () => void): void {
        this.#d.#link.afterSent(this.#d.connection.outboundDataLength, callback);
      }
      connectionFailed(error: DenialOfServiceError): void {
        // Not from inside the send loop that asked: the teardown flushes and ends our output.
        queueMicrotask(() => {
          this.#d.#end.connectionError(error);
        });
      }
      // EndHost (and ControlHost's deadlines)
      get deadlines(): DeadlinesType {
        return this.#d.#deadlines;
      }
      get destroyed(): boolean {
        return this.#d.destroyed;
      }
      get outputEnded(): boolean {
        return this.#d.#link.ended;
      }
      get outputPending(): number {
        return this.#d.#link.buffered;
      }
      get openStreams(): number {
        return this.#d.#router.size;
      }
      flush(): void {
        this.#d.#output.now();
      }
      endOutput(): void {
        this.#d.#output.end();
      }
      failAll(make: () => ConnectionClosedError): void {
        this.#d.#failAll(make);
      }
      destroyQuietly(error?: Error): void {
        const d = this.#d;
        d.destroy(error !== undefined && d.listenerCount('error') > 0 ? error : undefined);
      }
      // RouterHost
      makeStream(id: number, role: StreamRole, localEnded: boolean): H2Stream {
        return new H2Stream(this.#d.#host, id, role, this.#d.#streamHwm, localEnded);
      }
      listenerCount(event: 'stream'): number {
        return this.#d.listenerCount(event);
      }
      emit(event: 'stream', ...args: unknown[]): boolean {
        return this.#d.emit(event, ...args);
      }
      admitted(): void {
        // A lifetime cap, then a graceful close (this stream still completes).
        const d = this.#d;
        if (d.#maxStreams > 0 && ++d.#streamsSeen >= d.#maxStreams) {
          d.#end.gracefulBecause('maxStreamsPerConnection was reached');
          void d.close();
        }
      }
      // DeadlinesOwner
      deadlinesTick(now: number): void {
        this.#d.#onTick(now);
      }
      // FlushHost
      takeWindowOpened(): boolean {
        return this.#d.#control.takeWindowOpened();
      }
      // InputHost (and FlushHost's link)
      get link(): TransportLink {
        return this.#d.#link;
      }
      overSessionMemory(): boolean {
        return this.#d.sessionMemory > this.#d.#maxSessionMemory;
      }
      dispatch(events: Event[]): void {
        this.#d.#dispatch(events);
      }
      inputHandled(): void {
        this.#d.#output.afterInput();
      }
      // ControlHost
      get end(): ConnectionEnd {
        return this.#d.#end;
      }
      get events(): H2Duplex {
        return this.#d;
      }
    }
    makeDuplexHost = (duplex) => new Host(duplex);
    // The source piped into us is usually the socket: remember its address for H2Stream.
    duplexOnPipe = function (source) {
      this.#link.piped(source);
    };
  }
}
