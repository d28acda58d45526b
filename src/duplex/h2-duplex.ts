/**
 * H2Duplex: the sans-IO H2Connection as a readable-stream Duplex (API.md §3), so that
 * `socket.pipe(h2).pipe(socket)` speaks HTTP/2 over any byte stream.
 *
 * Owns: the byte flow (transport → `receiveData`; `dataToSend` → readable side, one push per
 * turn of the event loop), routing core events to H2Streams, handing parked stream writes to
 * the core as window and output room allow, ping/settings promises, graceful close.
 * Does not own: protocol rules (the core) or per-stream buffering (H2Stream).
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
 *   side, or what the transport has not written yet) holds less than the high-water mark
 *   (`#outputBudget`), so a slow transport stops the writers.
 * - Input: while the output buffer is over its high-water mark, the callback of `_write` is
 *   held until it drains (`_read`, or a transport write completing): a peer that keeps sending
 *   (PINGs, requests) while not reading our answers is stopped by the transport's own
 *   backpressure.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { debuglog } from 'node:util';
import { Duplex } from 'readable-stream';
import { ErrorCodes, errorCodeName } from '../error-codes.js';
import { AckTimeoutError, checkOptionKeys, ConnectionClosedError, H2Error, InvalidArgumentError, OutOfRangeError, StreamResetError, UsageCodes, UsageError } from '../errors.js';
import {
  type ChangedSetting,
  ConnectionState,
  ConnectionTerminated,
  type CoreEventMap,
  DataReceived,
  type Event,
  type EventHeaders,
  H2Configuration,
  type H2ConfigurationOptions,
  H2Connection,
  type HeaderInput,
  InformationalResponseReceived,
  PingAckReceived,
  PushedStreamReceived,
  RateLimit,
  type RateLimitOptions,
  RemoteSettingsChanged,
  RequestReceived,
  ResponseReceived,
  SettingCodes,
  SettingsAcknowledged,
  type SettingsInput,
  StreamEnded,
  StreamReset,
  TrailersReceived,
  WindowUpdated,
  performanceClock,
} from '../core/index.js';
import { FrameTrace, type TraceSink } from './trace.js';
import { isTransportTarget, TransportWriter } from './transport-writer.js';
import { H2Stream, kData, kEnd, kFail, kIdleFor, kIdleTimeout, kPendingWrite, kReset, kSend, kStart, type SendHeadersAdapterOptions, type StreamRole } from './h2-stream.js';
import type { StreamHost } from './stream-host.js';

/** Options of {@link H2Duplex}. */
export interface H2DuplexOptions {
  /** The core's configuration; `clientSide` picks the role (default true, as in h2). */
  config?: H2Configuration | H2ConfigurationOptions;
  /**
   * Settings sent after the preface SETTINGS (h2's defaults). Default: INITIAL_WINDOW_SIZE
   * 262144 (256 KiB per stream). Pass `{}` for h2's plain defaults.
   */
  settings?: SettingsInput;
  /** Connection-level receive window we grant at start (WINDOW_UPDATE on stream 0). Default 1 MiB. */
  connectionWindowSize?: number;
  /** High-water mark of each H2Stream, both sides. Default 64 KiB. */
  streamHighWaterMark?: number;
  /** High-water mark of the duplex's readable (output) side: what may wait for the transport. Default 1 MiB. */
  highWaterMark?: number;
  /** Milliseconds a ping() or settings() waits for its ACK. Default 10000. */
  ackTimeout?: number;
  // Time budgets (notes/dos-defences.md §4 #10, #22-#26; docs/security.md). 0 or Infinity disables one.
  /** Server: the client preface and first SETTINGS must arrive within this. Then: destroyed, no GOAWAY. Default 10000 ms. */
  prefaceTimeout?: number;
  /** Our SETTINGS must be acknowledged within this, else GOAWAY(SETTINGS_TIMEOUT) (RFC 9113 §6.5.3). Default 10000 ms. */
  settingsAckTimeout?: number;
  /** A header block waiting for CONTINUATION longer than this: GOAWAY(ENHANCE_YOUR_CALM, "header_timeout"). Default 10000 ms. */
  headerBlockTimeout?: number;
  /** No open stream and no input for this long: graceful close (GOAWAY NO_ERROR). Default 120000 ms. */
  idleTimeout?: number;
  /**
   * After a connection error: our output ends after the GOAWAY, input is read and discarded
   * (a lingering close, so the peer's kernel does not answer a close with RST and lose the
   * GOAWAY), and the duplex is destroyed when the peer closes its side or after this long.
   * After a graceful close, once the last stream is done and our output has ended, the peer
   * has this long to close its side too. Default 1000 ms.
   */
  goawayCloseTimeout?: number;
  /** Streams the peer may open over the connection's life, then a graceful close. Default 0 (no limit). */
  maxStreamsPerConnection?: number;
  /**
   * Server: a stream with nothing sent or received on it (no frame of its own either way:
   * HEADERS, DATA, trailers) for this long gets `'timeout'`, then RST_STREAM(CANCEL): a peer
   * that opens a request and goes silent must not hold its slot forever. Default 300000 ms
   * (5 minutes, Envoy's `stream_idle_timeout`); 0 or Infinity disables (long-polling and
   * server-sent events that stay silent longer should send something, or disable it).
   * Checked by the connection's housekeeping timer, so it fires up to a second late.
   */
  streamIdleTimeout?: number;
  /**
   * Requests reset by the peer in the same read that brought them, before the application saw
   * them (they are never shown); more than this is GOAWAY(ENHANCE_YOUR_CALM, "too_many_resets").
   * Default 20 (hyper-h2 `max_pending_accept_reset_streams`).
   */
  maxPendingResetStreams?: number;
  /**
   * Octets the connection may hold: output not yet taken by the transport, every stream's
   * unread input and unsent writes, and an estimate per stream object and for the header
   * tables. Above it new streams from the peer are refused with RST_STREAM(REFUSED_STREAM)
   * (counted by `maxRefusedStreams`). Default 10 MiB (Node's `maxSessionMemory`).
   */
  maxSessionMemory?: number;
  /**
   * Non-final DATA frames under 256 octets that we send only because the peer's window is that
   * small (CVE-2019-9511). Beyond it: GOAWAY(ENHANCE_YOUR_CALM, "data_dribble").
   * Default { burst: 1000, perSecond: 100 }; `burst: Infinity` disables.
   */
  smallDataFrameRateLimit?: RateLimitOptions;
  /**
   * Start as the upgrade of an HTTP/1.1 request (h2c, RFC 7540 §3.2) instead of with a
   * plain preface. Client: `true`; `h2.upgradeSettings` is then the HTTP2-Settings value to
   * send, and `h2.upgradeStream` (stream 1) receives the response. Server: the request's
   * HTTP2-Settings value and its headers as HTTP/2 fields; it is emitted as `'stream'` 1 (ended)
   * on the next tick. {@link acceptH2cUpgrade} and {@link requestH2cUpgrade} do the HTTP/1.1 side.
   */
  upgrade?: true | { settings: string; request: HeaderInput[] };
  /**
   * A frame trace in `nghttp -v`'s format: `true` writes it to stderr, a function receives each
   * line. Also on with `NODE_DEBUG=h2duplex` (through util.debuglog). Costs a second parse of
   * every byte: for debugging.
   */
  trace?: boolean | TraceSink;
  /**
   * Set TCP_NODELAY on a `net.Socket` piped into or out of the duplex, as node:http2 does for
   * its sockets: HTTP/2 writes many small frames (WINDOW_UPDATE, PING and SETTINGS ACKs,
   * HEADERS) that Nagle's algorithm would hold back for a round trip (a download ran at
   * 20–28 MB/s with it, 280–300 MB/s without). Default true; false leaves the socket as it is.
   */
  noDelay?: boolean;
}

/** Counters of one connection ({@link H2Duplex.stats}). */
export interface H2DuplexStats {
  /** Frames parsed from the peer (a HEADERS with its CONTINUATIONs counts once). */
  framesReceived: number;
  /** Frames queued for the peer. */
  framesSent: number;
  /** Octets read from the transport. */
  bytesReceived: number;
  /** Octets handed to the transport. */
  bytesSent: number;
  /** Streams open or half-closed, either side's. */
  openStreams: number;
  /** What the peer may still send us on the connection (our receive window). */
  inboundWindow: number;
  /** What we may still send on the connection (the peer's window). */
  outboundWindow: number;
  /** Round-trip time of the last answered ping(), in milliseconds; null before one. */
  lastRtt: number | null;
}

/** Each core event, emitted by H2Duplex under its class name with the event as argument. */
export type H2CoreEvents = { [K in keyof CoreEventMap]: [event: CoreEventMap[K]] };

/** Listener arguments of H2Duplex's events: its own, and every core event under its class name. */
export interface H2DuplexEvents extends H2CoreEvents {
  /** Server: a new request. */
  stream: [stream: H2Stream, headers: EventHeaders, event: RequestReceived];
  /** Client: a pushed response promised on `parent`. */
  push: [stream: H2Stream, requestHeaders: EventHeaders, parent: H2Stream | undefined];
  /** The peer sent GOAWAY. */
  goaway: [errorCode: number, lastStreamId: number, additionalData: Buffer | null];
  /** Every core event. */
  event: [event: Event];
}

const DEFAULT_STREAM_WINDOW = 256 * 1024;
const DEFAULT_CONNECTION_WINDOW = 1024 * 1024;
const DEFAULT_STREAM_HWM = 64 * 1024;
const DEFAULT_OUTPUT_HWM = 1024 * 1024;
const DEFAULT_ACK_TIMEOUT = 10_000;
const DEFAULT_PREFACE_TIMEOUT = 10_000;
const DEFAULT_SETTINGS_ACK_TIMEOUT = 10_000;
const DEFAULT_HEADER_BLOCK_TIMEOUT = 10_000;
const DEFAULT_IDLE_TIMEOUT = 120_000;
const DEFAULT_GOAWAY_CLOSE_TIMEOUT = 1000;
const DEFAULT_STREAM_IDLE_TIMEOUT = 300_000;
const DEFAULT_MAX_PENDING_RESETS = 20;
const DEFAULT_MAX_SESSION_MEMORY = 10 * 1024 * 1024;
const DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT = { burst: 1000, perSecond: 100 } as const;
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

/** The error of a new stream refused because the connection is going away. */
function goawayError(what: string, cause: string): UsageError {
  return new UsageError(`${what} after ${cause}: the connection finishes its open streams but takes no new ones; open a new connection for more`, UsageCodes.GOAWAY);
}

/** A header name or value as the latin1 string events carry. */
function latin1(octets: string | Uint8Array): string {
  return typeof octets === 'string' ? octets : Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString('latin1');
}

/** NODE_DEBUG=h2duplex turns the trace on for every connection (util.debuglog's convention). */
const debugTrace = debuglog('h2duplex');

function traceSink(option: boolean | TraceSink | undefined): TraceSink | null {
  if (typeof option === 'function') return option;
  if (option === true) return (line) => process.stderr.write(`${line}\n`);
  if (option === undefined && debugTrace.enabled) return (line) => { debugTrace('%s', line); };
  return null;
}

/** A timeout option: undefined → the default; 0 or Infinity → off (null). */
function timeoutOption(name: string, value: number | undefined, fallback: number): number | null {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new OutOfRangeError(`H2Duplex: ${name} is milliseconds >= 0 (0 or Infinity disables), got ${String(value)}`);
  return v === 0 || v === Infinity ? null : v;
}

/** Every key of {@link H2DuplexOptions}: anything else is a typo we name rather than ignore. */
const DUPLEX_OPTION_KEYS: ReadonlySet<string> = new Set([
  'config', 'settings', 'connectionWindowSize', 'streamHighWaterMark', 'highWaterMark', 'ackTimeout',
  'prefaceTimeout', 'settingsAckTimeout', 'headerBlockTimeout', 'idleTimeout', 'goawayCloseTimeout',
  'maxStreamsPerConnection', 'streamIdleTimeout', 'maxPendingResetStreams', 'maxSessionMemory',
  'smallDataFrameRateLimit', 'upgrade', 'trace', 'noDelay',
]);

/** TCP_NODELAY on a TCP socket (`net.Socket`, TLS included); anything else is left alone. */
function setNoDelay(stream: unknown): void {
  if (stream instanceof net.Socket) stream.setNoDelay(true);
}
/** Every key of the options of `request()` and `respond()`. */
const SEND_HEADERS_OPTION_KEYS: ReadonlySet<string> = new Set(['endStream']);
/** Core output that is pushed at once from `_write` instead of waiting for the coalescing flush. */
const FLUSH_NOW_AT = 16 * 1024;
/** Rounds over the parked writers in one flush (bounded so one flush cannot starve the loop). */
const MAX_SEND_ROUNDS = 16;
/** Smallest output budget worth a DATA frame; below it writers wait for the transport. */
const MIN_SEND_BUDGET = 4096;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class H2Duplex extends Duplex {
  /** The sans-IO core underneath. */
  readonly connection: H2Connection;

  readonly #streams = new Map<number, H2Stream>();
  /** Streams with a parked write, in the order they asked (round robin). */
  readonly #waiting = new Set<H2Stream>();
  readonly #host: StreamHost;
  readonly #streamHwm: number;
  readonly #ackTimeout: number;
  #flushHandle: NodeJS.Immediate | null = null;
  /** Octets handed to the core since the last flush. */
  #spent = 0;
  /** A writer in this flush was held back by the output budget, not by its window. */
  #budgetLimited = false;
  /**
   * Writers are parked for output room (not for window): the output draining wakes them. Those
   * parked for window are woken by WINDOW_UPDATE only; waking them on every drain cost an empty
   * flush per round trip in a window-bound transfer.
   */
  #roomWanted = false;
  /**
   * Something may let a parked writer send: it just parked, a window opened, or output room
   * came back. Flushes for other reasons (answering a PING, say) leave parked writers alone,
   * so a peer cannot make each input frame cost a poll of every stream it keeps windowless.
   */
  #pollWriters = false;
  /** The `_write` callback held while the output is over its high-water mark. */
  #heldInput: (() => void) | null = null;
  #outputEnded = false;
  /** A WINDOW_UPDATE (or SETTINGS) in the input being dispatched may have opened a window. */
  #windowOpened = false;
  /** The pipe destination written to directly, if any (see pipe()). */
  #transport: TransportWriter | null = null;
  /** The connection ended with an error GOAWAY either way: later input is dropped unparsed. */
  #inputClosed = false;
  /** Our connection error, while its GOAWAY lingers (input discarded until the peer closes). */
  #lingerError: H2Error | null = null;
  #closing: Promise<void> | null = null;
  /** Why the connection can do nothing more (set once it is destroyed, failed or lost its transport). */
  #deadReason: string | null = null;
  /** The payload (hex) of the PING that follows our graceful GOAWAY, until its ACK (see #sendFence). */
  #fence: string | null = null;
  /** Who started a graceful close (GOAWAY with NO_ERROR), once one did: no new streams. */
  #gracefulGoaway: string | null = null;
  #resolveClosed: (() => void) | null = null;
  /** Pings in flight by payload (hex); created on the first ping, as most connections never send one. */
  #pings: Map<string, Waiter<number> & { start: bigint }> | null = null;
  readonly #settingsWaiters: Array<Waiter<Map<number, ChangedSetting>>> = [];
  /** Requests waiting for a slot under the peer's MAX_CONCURRENT_STREAMS, in order. */
  readonly #queued: Array<{ stream: H2Stream; headers: HeaderInput[]; endStream: boolean }> = [];
  readonly #noDelay: boolean;
  #remoteAddress: string | undefined;
  #remotePort: number | undefined;
  readonly #timeouts: { preface: number | null; settingsAck: number | null; headerBlock: number | null; idle: number | null; goawayClose: number | null; streamIdle: number | null };
  readonly #maxStreams: number;
  #streamsSeen = 0;
  readonly #maxPendingResets: number;
  readonly #maxSessionMemory: number;
  readonly #trace: FrameTrace | null;
  #bytesReceived = 0;
  #bytesSent = 0;
  #lastRtt: number | null = null;
  #upgradeSettings: string | null = null;
  #upgradeStream: H2Stream | null = null;
  readonly #smallDataFrames: RateLimit;
  #dribbling = false;
  /** Streams the peer reset in the read being dispatched. */
  #resetInBatch: Set<number> | null = null;
  #housekeeping: NodeJS.Timeout | null = null;
  readonly #createdAt = Date.now();
  /** When input last arrived; when our SETTINGS started waiting; when a header block opened. */
  #lastInputAt = Date.now();
  #settingsWaitSince: number | null = null;
  #headerBlockSince: number | null = null;

  constructor(options: H2DuplexOptions = {}) {
    checkOptionKeys('H2Duplex', options, DUPLEX_OPTION_KEYS);
    const hwm = options.highWaterMark ?? DEFAULT_OUTPUT_HWM;
    super({ allowHalfOpen: true, readableHighWaterMark: hwm, writableHighWaterMark: hwm });
    this.connection = new H2Connection(options.config);
    this.#streamHwm = options.streamHighWaterMark ?? DEFAULT_STREAM_HWM;
    this.#ackTimeout = options.ackTimeout ?? DEFAULT_ACK_TIMEOUT;
    this.#host = this.#makeHost();
    const server = !this.connection.config.clientSide;
    this.#timeouts = {
      preface: server ? timeoutOption('prefaceTimeout', options.prefaceTimeout, DEFAULT_PREFACE_TIMEOUT) : null,
      settingsAck: timeoutOption('settingsAckTimeout', options.settingsAckTimeout, DEFAULT_SETTINGS_ACK_TIMEOUT),
      headerBlock: timeoutOption('headerBlockTimeout', options.headerBlockTimeout, DEFAULT_HEADER_BLOCK_TIMEOUT),
      idle: timeoutOption('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT),
      goawayClose: timeoutOption('goawayCloseTimeout', options.goawayCloseTimeout, DEFAULT_GOAWAY_CLOSE_TIMEOUT),
      streamIdle: server ? timeoutOption('streamIdleTimeout', options.streamIdleTimeout, DEFAULT_STREAM_IDLE_TIMEOUT) : null,
    };
    this.#maxStreams = options.maxStreamsPerConnection ?? 0;
    this.#maxPendingResets = options.maxPendingResetStreams ?? DEFAULT_MAX_PENDING_RESETS;
    this.#maxSessionMemory = options.maxSessionMemory ?? DEFAULT_MAX_SESSION_MEMORY;
    if (!(this.#maxSessionMemory > 0)) throw new OutOfRangeError('H2Duplex: maxSessionMemory must be a positive number of octets (Infinity disables)');
    this.#smallDataFrames = new RateLimit(options.smallDataFrameRateLimit ?? DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT, performanceClock);
    this.#noDelay = options.noDelay ?? true;
    // The source piped into us is usually the socket: remember its address for H2Stream.
    this.on('pipe', (source: { remoteAddress?: unknown; remotePort?: unknown }) => {
      if (typeof source.remoteAddress === 'string') this.#remoteAddress = source.remoteAddress;
      if (typeof source.remotePort === 'number') this.#remotePort = source.remotePort;
      if (this.#noDelay) setNoDelay(source);
    });

    const sink = traceSink(options.trace);
    this.#trace = sink === null ? null : new FrameTrace(sink, this.connection.config.clientSide);
    const connection = this.connection;
    const upgrade = options.upgrade;
    if (upgrade === undefined) connection.initiateConnection();
    else this.#startUpgraded(upgrade);
    const settings = options.settings ?? { [SettingCodes.INITIAL_WINDOW_SIZE]: DEFAULT_STREAM_WINDOW };
    if (Object.keys(settings).length > 0 || (settings instanceof Map && settings.size > 0)) connection.updateSettings(settings);
    const window = options.connectionWindowSize ?? DEFAULT_CONNECTION_WINDOW;
    if (window > 65535) connection.incrementFlowControlWindow(window - 65535);
    // Timers last: a constructor that throws above (bad settings, a bad HTTP2-Settings value)
    // must not leave an interval running.
    this.#startHousekeeping();
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
      this.#upgradeStream = this.#adopt(1, 'request', true);
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
    for (const stream of this.#streams.values()) octets += STREAM_MEMORY_ESTIMATE + stream.readableLength + stream.writableLength;
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
   * Client: open a stream with request `headers` (END_STREAM with them if `endStream`). When
   * the peer's SETTINGS_MAX_CONCURRENT_STREAMS is reached the request waits in a queue (its
   * `id` is 0 until then; writes and `end()` wait too) and starts when a stream closes, as
   * node:http2 does.
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a server; `ERR_H2_GOAWAY` after a GOAWAY either
   * way (`close()`, `idleTimeout`, the peer's). ConnectionClosedError once the connection is
   * destroyed, failed or its transport ended. ProtocolError for invalid headers, or when stream
   * ids are exhausted.
   */
  request(headers: Iterable<HeaderInput>, options: SendHeadersAdapterOptions = {}): H2Stream {
    if (!this.connection.config.clientSide) {
      throw new UsageError("request() is for clients, and this H2Duplex is a server (config.clientSide is false): answer requests in the 'stream' listener, or push with stream.pushStream()", UsageCodes.WRONG_SIDE);
    }
    const unavailable = this.#unavailable('request()', true);
    if (unavailable !== null) throw unavailable;
    checkOptionKeys('request()', options, SEND_HEADERS_OPTION_KEYS);
    const list = [...headers];
    const endStream = options.endStream === true;
    if (this.#queued.length === 0 && this.#hasStreamSlot()) return this.#adopt(this.#sendRequest(list, endStream), 'request', endStream);
    const stream = new H2Stream(this.#host, 0, 'request', this.#streamHwm, endStream);
    this.#queued.push({ stream, headers: list, endStream });
    return stream;
  }

  /**
   * PING; resolves with the round-trip time in milliseconds when the ACK arrives. Rejects at
   * once with ConnectionClosedError on a closed connection, UsageError `ERR_H2_PING_IN_FLIGHT`
   * for a payload already in flight; AckTimeoutError after `ackTimeout`.
   */
  ping(data?: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      const unavailable = this.#unavailable('ping()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      const payload = data === undefined ? randomBytes(8) : Buffer.from(data);
      const key = payload.toString('hex');
      const pings = (this.#pings ??= new Map());
      if (pings.has(key)) {
        reject(new UsageError(`ping(): a ping with payload ${key} is already in flight; wait for it or use another payload`, UsageCodes.PING_IN_FLIGHT));
        return;
      }
      this.connection.ping(payload);
      const timer = setTimeout(() => {
        pings.delete(key);
        reject(new AckTimeoutError(`PING ${key} not acknowledged within ${this.#ackTimeout} ms`));
      }, this.#ackTimeout).unref();
      pings.set(key, { resolve, reject, timer, start: process.hrtime.bigint() });
      this.#scheduleFlush();
    });
  }

  /**
   * SETTINGS; resolves with what changed once the peer acknowledges them. Rejects at once with
   * ConnectionClosedError on a closed connection; AckTimeoutError after `ackTimeout`.
   */
  settings(settings: SettingsInput): Promise<Map<number, ChangedSetting>> {
    return new Promise((resolve, reject) => {
      const unavailable = this.#unavailable('settings()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      this.connection.updateSettings(settings);
      const timer = setTimeout(() => {
        const i = this.#settingsWaiters.findIndex((w) => w.timer === timer);
        if (i >= 0) this.#settingsWaiters.splice(i, 1);
        reject(new AckTimeoutError(`SETTINGS not acknowledged within ${this.#ackTimeout} ms`));
      }, this.#ackTimeout).unref();
      this.#settingsWaiters.push({ resolve, reject, timer });
      this.#scheduleFlush();
    });
  }

  /**
   * GOAWAY. With NO_ERROR (default) the close is graceful: open streams finish, then the
   * readable side ends. With another code every open stream fails at once. Resolves when the
   * readable side has ended.
   */
  close(errorCode: number = ErrorCodes.NO_ERROR): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closing = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    if (this.#outputEnded || this.destroyed) {
      this.#resolveClosed?.();
      return this.#closing;
    }
    if (errorCode !== (ErrorCodes.NO_ERROR as number)) {
      this.#abort(errorCode, `close(${errorCodeName(errorCode)}) sent GOAWAY`);
      return this.#closing;
    }
    this.#gracefulGoaway ??= 'close()';
    try {
      this.connection.closeConnection(errorCode);
      this.#sendFence();
    } catch {
      // The connection already failed: its GOAWAY is out.
    }
    this.#scheduleFlush();
    return this.#closing;
  }

  /**
   * A PING right after our graceful GOAWAY: the peer sent everything that crossed the GOAWAY
   * (a PING, SETTINGS, WINDOW_UPDATE, a request to refuse) before it read the PING, so once
   * the ACK is back all of it has been answered, and the output may end (RFC 9113 §6.8 asks to
   * allow a round trip for frames in flight). A peer that never answers holds the close for
   * goawayCloseTimeout at most (ackTimeout when that is off).
   */
  #sendFence(): void {
    const payload = randomBytes(8);
    try {
      this.connection.ping(payload);
    } catch {
      return; // Too many of our PINGs in flight: end without the fence, as before.
    }
    this.#fence = payload.toString('hex');
    setTimeout(() => {
      if (this.#fence === null) return;
      this.#fence = null;
      this.#maybeFinishDraining();
    }, this.#timeouts.goawayClose ?? this.#ackTimeout).unref();
  }

  /**
   * Why `what` cannot be done now, or null: the connection is gone (destroyed, failed, its
   * transport ended, an error GOAWAY either way), or, for a new stream, it is going away.
   */
  #unavailable(what: string, newStream: boolean): H2Error | null {
    // A graceful GOAWAY explains a refused new stream better than the end that follows it.
    if (newStream && this.#gracefulGoaway !== null) return goawayError(what, this.#gracefulGoaway);
    if (this.#deadReason !== null || this.destroyed) {
      return new ConnectionClosedError(`${what} on a closed connection (${this.#deadReason ?? 'destroyed'}): open a new connection`);
    }
    if (newStream && (this.connection.draining || this.connection.state === ConnectionState.CLOSED)) return goawayError(what, 'a GOAWAY');
    return null;
  }

  // ------------------------------------------------------------------ Duplex implementation

  /** Input from the transport: fed to the core, events dispatched (Duplex internals). */
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    if (this.#inputClosed) {
      callback();
      return;
    }
    this.#lastInputAt = Date.now();
    this.#bytesReceived += chunk.length;
    this.#trace?.received(chunk);
    // §4 #17: decided before the core sees the input, so refused streams are counted there.
    if (this.#maxSessionMemory !== Infinity) this.connection.refuseNewStreams = this.sessionMemory > this.#maxSessionMemory;
    let events: Event[];
    try {
      events = this.connection.receiveData(chunk);
    } catch (err) {
      this.#onConnectionError(err);
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
    if (this.connection.outboundDataLength >= FLUSH_NOW_AT || (this.#windowOpened && this.#waiting.size > 0) || this.#streams.size <= 1) this.#flush();
    else this.#scheduleFlush();
    this.#windowOpened = false;
    if (this.#outputBuffered() >= this.readableHighWaterMark) this.#heldInput = callback;
    else callback();
  }

  /** The transport wants output: releases held input and waiting writers (Duplex internals). */
  override _read(): void {
    // Called before the reader takes what it asked for, so readableLength may still be over
    // the mark: the reader asking is the signal.
    this.#releaseInput();
    if (this.#roomWanted) this.#wakeWriters();
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
    if (this.#roomWanted) this.#wakeWriters();
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
    this.#deadReason ??= 'its transport ended';
    this.#failAll(new ConnectionClosedError('The transport ended before the stream finished'));
    this.#flush();
    this.#endOutput();
    callback();
    // After a connection error the peer has now closed its side: the lingering close is over.
    const error = this.#lingerError;
    if (error !== null) queueMicrotask(() => this.destroy(this.listenerCount('error') > 0 ? error : undefined));
  }

  /** Fails every stream and stops the timers (Duplex internals). */
  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#deadReason ??= error === null ? 'destroyed' : `destroyed: ${error.message}`;
    if (this.#housekeeping !== null) clearInterval(this.#housekeeping);
    this.#housekeeping = null;
    if (this.#flushHandle !== null) clearImmediate(this.#flushHandle);
    this.#flushHandle = null;
    this.#failAll(new ConnectionClosedError(error === null ? 'The connection was destroyed' : `The connection failed: ${error.message}`, ErrorCodes.INTERNAL_ERROR, { cause: error ?? undefined }));
    this.#outputEnded = true;
    if (this.#transport !== null) this.#leaveTransport(this.#transport);
    this.#resolveClosed?.();
    callback(error);
  }

  // ------------------------------------------------------------------ byte flow

  /** Parked writers may be able to send: poll them in the next flush (see #pollWriters). */
  #wakeWriters(): void {
    this.#pollWriters = true;
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushHandle === null && !this.#outputEnded) {
      this.#flushHandle = setImmediate(() => {
        this.#flushHandle = null;
        this.#flush();
      });
    }
  }

  /**
   * Hands parked writes to the core (again while writers refill within the budget: a write
   * callback runs the writer's next write synchronously), then pushes what the core queued.
   */
  #flush(): void {
    // Called directly (from _write, an abort, a close): the flush already scheduled for this
    // turn has nothing left to do. Left pending, it ran an empty flush on every round trip of
    // a window-bound transfer.
    if (this.#flushHandle !== null) {
      clearImmediate(this.#flushHandle);
      this.#flushHandle = null;
    }
    if (this.#outputEnded) return;
    if (this.#pollWriters) {
      this.#pollWriters = false;
      let round = 0;
      while (round < MAX_SEND_ROUNDS && this.#sendWaiting() > 0) round++;
      // Stopped by the round cap while writers still made progress: they go on next turn.
      if (round === MAX_SEND_ROUNDS && this.#waiting.size > 0) this.#wakeWriters();
    }
    // Slabs (and lent payloads) as they are: joining them would copy every octet again.
    const chunks = this.connection.dataToSendChunks();
    for (const chunk of chunks) {
      this.#bytesSent += chunk.length;
      this.#trace?.sent(chunk);
    }
    const transport = this.#transport;
    if (transport !== null) transport.write(chunks);
    else for (const chunk of chunks) this.push(chunk);
    this.#spent = 0;
    // Writers held back by this flush's budget can go on now that the output was pushed. Those
    // waiting for flow-control window are not polled: a WINDOW_UPDATE (#onWindow) wakes them,
    // and polling them would spin the event loop for as long as the peer keeps its window shut.
    this.#roomWanted = this.#budgetLimited && this.#waiting.size > 0;
    if (this.#roomWanted && this.#outputBudget() >= MIN_SEND_BUDGET) this.#wakeWriters();
    this.#budgetLimited = false;
    this.#maybeFinishDraining();
  }

  #outputBudget(): number {
    return this.readableHighWaterMark - this.#outputBuffered() - this.#spent;
  }

  /** One round over the parked writers (round robin); returns the octets handed to the core. */
  #sendWaiting(): number {
    if (this.#waiting.size === 0) return 0;
    const list = [...this.#waiting];
    this.#waiting.clear();
    let sent = 0;
    for (const stream of list) {
      const budget = this.#outputBudget();
      if (budget >= Math.min(MIN_SEND_BUDGET, this.readableHighWaterMark >> 1)) {
        const n = stream[kSend](budget);
        this.#spent += n;
        sent += n;
        if (n === budget) this.#budgetLimited = true;
      } else {
        this.#budgetLimited = true;
      }
      if (stream[kPendingWrite] && !stream.destroyed) this.#waiting.add(stream);
    }
    return sent;
  }

  #endOutput(): void {
    if (this.#outputEnded) return;
    this.#outputEnded = true;
    if (this.#flushHandle !== null) clearImmediate(this.#flushHandle);
    this.#flushHandle = null;
    this.push(null);
    this.#transport?.end();
    this.#resolveClosed?.();
  }

  /**
   * After a graceful GOAWAY either way (the core is `draining` from then on, streams or not):
   * end once the last stream is done, at once if there is none. The peer then has
   * goawayCloseTimeout to close its side: one that keeps an idle connection open after our
   * GOAWAY and FIN must not hold it forever.
   */
  #maybeFinishDraining(): void {
    // #inputClosed: an error close, which ends the output and lingers by itself.
    if (this.#outputEnded || this.#inputClosed || this.#streams.size > 0 || this.#fence !== null) return;
    if (!this.connection.draining && this.connection.state !== ConnectionState.CLOSED) return;
    this.#endOutput();
    this.#destroyLater();
  }

  #onConnectionError(err: unknown): void {
    const error = err instanceof H2Error ? err : new H2Error(String(err), ErrorCodes.INTERNAL_ERROR, { cause: err });
    this.#deadReason ??= `connection error: ${error.message}`;
    this.#failAll(new ConnectionClosedError(`Connection error: ${error.message}`, error.errorCode, { cause: error }));
    // Lingering close (§4 #25): the output ends after the GOAWAY, but the input stays open and
    // is discarded (#inputClosed) until the peer closes its side or goawayCloseTimeout passes.
    // Closing at once, while the peer is still sending, makes its kernel answer our close with
    // RST, and a RST can discard the GOAWAY before the peer reads it. The peer's error is
    // emitted only to a listener, never as a crash. (Set before the flush, so the flush does
    // not take this for a graceful end: #maybeFinishDraining.)
    this.#inputClosed = true;
    this.#lingerError = error;
    // STYLE.md §5: the GOAWAY goes out before we tear down.
    this.#flush();
    this.#endOutput();
    this.#destroyLater(error);
  }

  #destroyLater(error?: Error): void {
    const ms = this.#timeouts.goawayClose;
    if (ms === null) return;
    setTimeout(() => {
      if (!this.destroyed) this.destroy(error !== undefined && this.listenerCount('error') > 0 ? error : undefined);
    }, ms).unref();
  }

  /** Checks the time budgets every quarter of the shortest one (at most once a second). */
  #startHousekeeping(): void {
    const enabled = Object.values(this.#timeouts).filter((v): v is number => v !== null);
    if (enabled.length === 0) return;
    const tick = Math.max(10, Math.min(1000, Math.min(...enabled) / 4));
    this.#housekeeping = setInterval(() => {
      this.#checkTimeouts();
    }, tick).unref();
  }

  #checkTimeouts(): void {
    if (this.destroyed || this.#outputEnded) {
      if (this.#housekeeping !== null) clearInterval(this.#housekeeping);
      this.#housekeeping = null;
      return;
    }
    const now = Date.now();
    const connection = this.connection;
    const t = this.#timeouts;
    // §4 #22: no preface and SETTINGS yet. Nothing HTTP/2 was said: close without GOAWAY.
    if (t.preface !== null && !connection.remoteSettingsReceived && now - this.#createdAt >= t.preface) {
      this.#failAll(new ConnectionClosedError('The client sent no preface in time (prefaceTimeout)'));
      this.destroy();
      return;
    }
    // §4 #10: RFC 9113 §6.5.3 SETTINGS_TIMEOUT.
    if (connection.outstandingSettings > 0) this.#settingsWaitSince ??= now;
    else this.#settingsWaitSince = null;
    if (t.settingsAck !== null && this.#settingsWaitSince !== null && now - this.#settingsWaitSince >= t.settingsAck) {
      this.#abort(ErrorCodes.SETTINGS_TIMEOUT, 'Our SETTINGS were not acknowledged in time (settingsAckTimeout)');
      return;
    }
    // §4 #23: an unfinished header block blocks every stream of the connection.
    if (connection.inHeaderBlock) this.#headerBlockSince ??= now;
    else this.#headerBlockSince = null;
    if (t.headerBlock !== null && this.#headerBlockSince !== null && now - this.#headerBlockSince >= t.headerBlock) {
      this.#abort(ErrorCodes.ENHANCE_YOUR_CALM, 'A header block was not finished in time (headerBlockTimeout)', 'header_timeout');
      return;
    }
    if (t.streamIdle !== null) this.#checkIdleStreams(now, t.streamIdle);
    // A quiet connection gives back its output slab (most of an idle connection's memory).
    if (now - this.#lastInputAt >= QUIET_RELEASE_MS && this.#flushHandle === null) connection.releaseBuffers();
    // §4 #24: idle connections are closed gracefully.
    if (t.idle !== null && this.#streams.size === 0 && this.#queued.length === 0 && now - this.#lastInputAt >= t.idle && this.#closing === null) {
      this.#gracefulGoaway ??= 'idleTimeout closed the idle connection';
      void this.close();
    }
  }

  /** streamIdleTimeout: streams with nothing sent or received for `ms` get 'timeout', then RST_STREAM(CANCEL). */
  #checkIdleStreams(now: number, ms: number): void {
    let idle: H2Stream[] | null = null;
    for (const stream of this.#streams.values()) if (stream[kIdleFor](now) >= ms) (idle ??= []).push(stream);
    if (idle === null) return;
    for (const stream of idle) stream[kIdleTimeout](ms);
    this.#flush();
  }

  /** GOAWAY with an error code and debug text, fail everything, end the output, destroy later. */
  #abort(errorCode: number, message: string, debug?: string): void {
    this.#inputClosed = true;
    this.#deadReason ??= message;
    try {
      this.connection.closeConnection(errorCode, debug === undefined ? {} : { additionalData: Buffer.from(debug, 'latin1') });
    } catch {
      // Already closed: its GOAWAY is out.
    }
    this.#failAll(new ConnectionClosedError(message, errorCode));
    this.#flush();
    this.#endOutput();
    this.#destroyLater();
  }

  /** Every stream and waiter fails with `error` (the connection is gone or going). */
  #failAll(error: ConnectionClosedError): void {
    for (const { stream } of this.#queued.splice(0)) stream[kFail](error);
    for (const stream of [...this.#streams.values()]) stream[kFail](error);
    this.#streams.clear();
    this.#waiting.clear();
    const pings = this.#pings;
    this.#pings = null;
    for (const w of pings?.values() ?? []) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    for (const w of this.#settingsWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  // ------------------------------------------------------------------ events

  #dispatch(events: Event[]): void {
    // Requests the peer reset within the same read are never shown to the application
    // (h2's "pending accept" resets; Rapid Reset). Too many of them at once is abuse (§4 #4).
    // Requests we reset ourselves in the same read (malformed, over a limit) are not shown either.
    this.#resetInBatch = null;
    let remoteResets: Set<number> | null = null;
    if (events.length > 1) {
      for (const ev of events) {
        if (!(ev instanceof StreamReset)) continue;
        (this.#resetInBatch ??= new Set()).add(ev.streamId);
        if (ev.remoteReset) (remoteResets ??= new Set()).add(ev.streamId);
      }
    }
    if (remoteResets !== null) {
      let pendingResets = 0;
      for (const ev of events) {
        if (ev instanceof RequestReceived && remoteResets.has(ev.streamId) && ++pendingResets > this.#maxPendingResets) {
          this.#abort(ErrorCodes.ENHANCE_YOUR_CALM, 'Too many requests reset before they were accepted (maxPendingResetStreams)', 'too_many_resets');
          return;
        }
      }
    }
    for (const ev of events) {
      if (ev instanceof DataReceived) this.#onData(ev);
      else if (ev instanceof RequestReceived) this.#onRequest(ev);
      else if (ev instanceof ResponseReceived) this.#streams.get(ev.streamId)?.emit('response', ev.headers, ev);
      else if (ev instanceof StreamEnded) this.#streams.get(ev.streamId)?.[kEnd]();
      else if (ev instanceof WindowUpdated) this.#onWindow();
      else if (ev instanceof StreamReset) this.#streams.get(ev.streamId)?.[kReset](ev.errorCode, ev.remoteReset);
      else if (ev instanceof InformationalResponseReceived) this.#streams.get(ev.streamId)?.emit('informational', ev.headers, ev);
      else if (ev instanceof TrailersReceived) this.#streams.get(ev.streamId)?.emit('trailers', ev.headers, ev);
      else if (ev instanceof PushedStreamReceived) this.#onPush(ev);
      else if (ev instanceof RemoteSettingsChanged) this.#onSettingsChanged();
      else if (ev instanceof SettingsAcknowledged) this.#onSettingsAck(ev);
      else if (ev instanceof PingAckReceived) this.#onPingAck(ev);
      else if (ev instanceof ConnectionTerminated) this.#onGoAway(ev);
      this.emit(ev.constructor.name, ev);
      this.emit('event', ev);
    }
  }

  #onData(ev: DataReceived): void {
    const stream = this.#streams.get(ev.streamId);
    if (stream === undefined || stream.destroyed) {
      // Nobody will read it: give the window back now.
      this.connection.acknowledgeReceivedData(ev.flowControlledLength, ev.streamId);
      return;
    }
    stream[kData](ev.data, ev.flowControlledLength);
  }

  #onRequest(ev: RequestReceived): void {
    if (this.#resetInBatch?.has(ev.streamId) === true) return;
    const stream = this.#adopt(ev.streamId, 'response');
    this.#streamsSeen += 1;
    // §4 #26: a lifetime cap, then a graceful close (this stream still completes).
    if (this.#maxStreams > 0 && this.#streamsSeen >= this.#maxStreams) {
      this.#gracefulGoaway ??= 'maxStreamsPerConnection was reached';
      void this.close();
    }
    if (this.listenerCount('stream') === 0) {
      // No handler: refuse rather than leave the peer waiting (safe to retry).
      stream.close(ErrorCodes.REFUSED_STREAM);
      return;
    }
    this.emit('stream', stream, ev.headers, ev);
  }

  #onPush(ev: PushedStreamReceived): void {
    const parent = this.#streams.get(ev.parentStreamId);
    const stream = this.#adopt(ev.pushedStreamId, 'pushed-in');
    const wanted = (parent !== undefined && parent.listenerCount('push') > 0) || this.listenerCount('push') > 0;
    if (!wanted) {
      stream.close(ErrorCodes.CANCEL);
      return;
    }
    parent?.emit('push', stream, ev.headers);
    this.emit('push', stream, ev.headers, parent);
  }

  /** Window opened on a stream or on all of them (stream 0, SETTINGS): retry parked writes. */
  /** Only from #dispatch in _write, which then flushes at once: no flush is scheduled here. */
  #onWindow(): void {
    this.#windowOpened = true;
    if (this.#waiting.size > 0) this.#pollWriters = true;
  }

  /** The peer's SETTINGS may open windows (INITIAL_WINDOW_SIZE) and stream slots. */
  #onSettingsChanged(): void {
    this.#onWindow();
    if (this.#queued.length > 0) this.#startQueued();
  }

  #onSettingsAck(ev: SettingsAcknowledged): void {
    const w = this.#settingsWaiters.shift();
    if (w === undefined) return;
    clearTimeout(w.timer);
    w.resolve(ev.changedSettings);
  }

  #onPingAck(ev: PingAckReceived): void {
    const key = ev.pingData.toString('hex');
    if (key === this.#fence) {
      // The read that carried the ACK flushes, and the flush ends a drained connection.
      this.#fence = null;
      return;
    }
    const w = this.#pings?.get(key);
    if (w === undefined) return;
    this.#pings?.delete(key);
    clearTimeout(w.timer);
    this.#lastRtt = Number(process.hrtime.bigint() - w.start) / 1e6;
    w.resolve(this.#lastRtt);
  }

  #onGoAway(ev: ConnectionTerminated): void {
    if (ev.errorCode === (ErrorCodes.NO_ERROR as number)) this.#gracefulGoaway ??= "the peer's GOAWAY";
    this.emit('goaway', ev.errorCode, ev.lastStreamId, ev.additionalData);
    this.#failQueued(ErrorCodes.REFUSED_STREAM);
    if (ev.errorCode !== (ErrorCodes.NO_ERROR as number)) {
      this.#inputClosed = true;
      this.#deadReason ??= `the peer sent GOAWAY with ${errorCodeName(ev.errorCode)}`;
      this.#failAll(new ConnectionClosedError(`The peer closed the connection with GOAWAY`, ev.errorCode));
      this.#endOutput();
    }
    // Graceful: the core reset our streams above lastStreamId (retryable); the rest finish,
    // and #maybeFinishDraining ends the output after the last one.
  }

  // ------------------------------------------------------------------ streams

  #hasStreamSlot(): boolean {
    const connection = this.connection;
    return connection.openOutboundStreams < connection.remoteSettings.maxConcurrentStreams;
  }

  /** HEADERS for a new request; returns its stream id. */
  #sendRequest(headers: HeaderInput[], endStream: boolean): number {
    const connection = this.connection;
    const id = connection.getNextAvailableStreamId();
    connection.sendHeaders(id, headers, { endStream });
    this.#scheduleFlush();
    return id;
  }

  /** Starts queued requests while the peer allows more streams. */
  #startQueued(): void {
    while (this.#queued.length > 0 && this.#hasStreamSlot() && !this.connection.draining) {
      const next = this.#queued.shift();
      if (next === undefined) return;
      if (next.stream.destroyed) continue;
      let id: number;
      try {
        id = this.#sendRequest(next.headers, next.endStream);
      } catch (err) {
        next.stream[kFail](err instanceof H2Error ? err : new H2Error(String(err), ErrorCodes.INTERNAL_ERROR, { cause: err }));
        continue;
      }
      this.#streams.set(id, next.stream);
      next.stream[kStart](id);
    }
  }

  /** Queued requests never reached the peer: they fail as retryable. */
  #failQueued(errorCode: number): void {
    for (const { stream } of this.#queued.splice(0)) stream[kFail](new StreamResetError(0, errorCode, true));
  }

  #adopt(id: number, role: StreamRole, localEnded = false): H2Stream {
    const stream = new H2Stream(this.#host, id, role, this.#streamHwm, localEnded);
    this.#streams.set(id, stream);
    return stream;
  }

  #makeHost(): StreamHost {
    return {
      connection: this.connection,
      scheduleFlush: () => {
        this.#scheduleFlush();
      },
      waitToSend: (stream: H2Stream) => {
        this.#waiting.add(stream);
        this.#wakeWriters();
      },
      adopt: (id: number, role: StreamRole) => this.#adopt(id, role),
      forget: (stream: H2Stream) => {
        if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
        this.#waiting.delete(stream);
        if (this.#queued.length > 0) this.#startQueued();
        if (this.connection.draining) this.#scheduleFlush();
      },
      smallDataFrame: () => {
        if (this.#smallDataFrames.take()) return true;
        if (!this.#dribbling) {
          this.#dribbling = true;
          // Not from inside the send loop that asked: the abort flushes and ends our output.
          queueMicrotask(() => {
            this.#abort(ErrorCodes.ENHANCE_YOUR_CALM, 'The peer keeps the flow-control window tiny (smallDataFrameRateLimit)', 'data_dribble');
          });
        }
        return false;
      },
      address: () => ({ remoteAddress: this.#remoteAddress, remotePort: this.#remotePort }),
      zeroCopy: () => this.#transport?.lendsPayloads === true,
      afterSent: (callback: () => void) => {
        const transport = this.#transport;
        if (transport === null) callback();
        else transport.releaseAt(transport.queued + this.connection.outboundDataLength, callback);
      },
    };
  }
}
