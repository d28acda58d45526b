/**
 * The options of H2Duplex, their defaults and their checks, resolved once per connection
 * into {@link ResolvedDuplexOptions}. The budgets among them are listed with what a peer gets
 * in docs/security.md.
 */
import { debuglog } from 'node:util';
import { checkOptionKeys, describeValue, InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { H2Configuration, type H2ConfigurationOptions, type HeaderInput, type RateLimitOptions, SettingCodes, type SettingsInput } from '../core/index.js';
import type { DeadlineLimits } from './deadlines.js';
import type { TraceSink } from './trace.js';
import { type OriginInput, type SettingsArgument, toSettingsInput } from './node-session.js';

/** Options of {@link H2Duplex}. */
export interface H2DuplexOptions {
  /** The core's configuration; `clientSide` picks the role (default true, as in h2). */
  config?: H2Configuration | H2ConfigurationOptions;
  /**
   * Settings sent after the preface SETTINGS (h2's defaults). Default: INITIAL_WINDOW_SIZE
   * 262144 (256 KiB per stream). Pass `{}` for h2's plain defaults.
   */
  settings?: SettingsArgument;
  /** Connection-level receive window we grant at start (WINDOW_UPDATE on stream 0). Default 1 MiB. */
  connectionWindowSize?: number;
  /** High-water mark of each H2Stream, both sides. Default 64 KiB. */
  streamHighWaterMark?: number;
  /** High-water mark of the duplex's readable (output) side: what may wait for the transport. Default 1 MiB. */
  highWaterMark?: number;
  /** Milliseconds a ping() or settings() waits for its ACK. Default 10000. */
  ackTimeout?: number;
  // Time budgets (docs/security.md). 0 or Infinity disables one.
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
   * After a GOAWAY for a spent DoS budget, input is not read at all; a peer that does not read
   * our output either is closed after 100 ms, and with this off the linger ends after
   * `ackTimeout`. After a graceful close,
   * once the last stream is done and our output has ended, the peer has this long to close its
   * side too. Default 1000 ms.
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
   * Default 20 (hyperium/h2's `max_pending_accept_reset_streams`). The core's budget: the same
   * as `config.maxPendingResetStreams`.
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
   * Default { burst: 1000, perSecond: 100 }; `burst: Infinity` disables. The core's budget:
   * the same as `config.smallDataFrameRateLimit`.
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
  /**
   * Server: origins to send in an ORIGIN frame (RFC 8336) right after our SETTINGS, as
   * node:http2's `origins` option (see `H2Duplex.origin()`).
   */
  origins?: OriginInput[];
  /**
   * Client: the origin requests go to, `'https://example.com'` or a URL: `request()` takes
   * `:scheme` and `:authority` from it when the headers leave them out (node:http2's
   * `connect(authority)` does the same; `connect()` sets it).
   */
  authority?: string | URL;
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
const DEFAULT_MAX_SESSION_MEMORY = 10 * 1024 * 1024;

/** Every key of {@link H2DuplexOptions}: anything else is a typo we name rather than ignore. */
const DUPLEX_OPTION_KEYS: ReadonlySet<string> = new Set([
  'config', 'settings', 'connectionWindowSize', 'streamHighWaterMark', 'highWaterMark', 'ackTimeout',
  'prefaceTimeout', 'settingsAckTimeout', 'headerBlockTimeout', 'idleTimeout', 'goawayCloseTimeout',
  'maxStreamsPerConnection', 'streamIdleTimeout', 'maxPendingResetStreams', 'maxSessionMemory',
  'smallDataFrameRateLimit', 'upgrade', 'trace', 'noDelay', 'authority', 'origins',
]);

/** {@link H2DuplexOptions} with every default applied and every value checked. */
export interface ResolvedDuplexOptions {
  readonly outputHighWaterMark: number;
  readonly streamHighWaterMark: number;
  readonly settings: SettingsInput;
  readonly connectionWindowSize: number;
  /** Null: the role's limit does not apply or is off. */
  readonly deadlines: DeadlineLimits;
  readonly maxStreamsPerConnection: number;
  /** The core's configuration, with the budgets given as H2Duplex options applied. */
  readonly config: H2Configuration | H2ConfigurationOptions | undefined;
  readonly maxSessionMemory: number;
  readonly trace: TraceSink | null;
  readonly noDelay: boolean;
  readonly authority: URL | null;
  /** Server: origins for the first ORIGIN frame; null for none. */
  readonly origins: readonly OriginInput[] | null;
}

/** The `origins` option, checked for shape (each origin is read when sent). @throws InvalidArgumentError */
function originsOption(origins: readonly OriginInput[] | undefined): readonly OriginInput[] | null {
  if (origins === undefined) return null;
  if (!Array.isArray(origins)) throw new InvalidArgumentError(`H2Duplex: origins must be an array, not ${describeValue(origins)}`, 'ERR_H2_INVALID_OPTION');
  return origins.length === 0 ? null : origins;
}

/** The `authority` option as a URL. @throws InvalidArgumentError for a string that is not a URL. */
function authorityURL(authority: string | URL | undefined): URL | null {
  if (authority === undefined) return null;
  if (authority instanceof URL) return authority;
  if (typeof authority === 'string' && URL.canParse(authority)) return new URL(authority);
  throw new InvalidArgumentError(`H2Duplex: authority must be a URL such as 'https://example.com', not ${describeValue(authority)}`, 'ERR_H2_INVALID_OPTION');
}

/** NODE_DEBUG=h2duplex turns the trace on for every connection (util.debuglog's convention). */
const debugTrace = debuglog('h2duplex');

function traceSink(option: boolean | TraceSink | undefined): TraceSink | null {
  if (typeof option === 'function') return option;
  if (option === true) return (line) => process.stderr.write(`${line}\n`);
  if (option === undefined && debugTrace.enabled) return (line) => { debugTrace('%s', line); };
  return null;
}

/** Frozen limits by their values: a server's connections share one object (~80 octets each). */
const limitsCache = new Map<string, Readonly<DeadlineLimits>>();
/** Distinct limits kept for sharing; past it (a program making up timeouts per connection) new ones are not kept. */
const MAX_SHARED_LIMITS = 64;

function sharedLimits(limits: DeadlineLimits): DeadlineLimits {
  const key = `${limits.preface},${limits.settingsAck},${limits.headerBlock},${limits.idle},${limits.goawayClose},${limits.streamIdle},${limits.ack}`;
  const shared = limitsCache.get(key);
  if (shared !== undefined) return shared;
  const frozen = Object.freeze(limits);
  if (limitsCache.size < MAX_SHARED_LIMITS) limitsCache.set(key, frozen);
  return frozen;
}

/** A timeout option: undefined → the default; 0 or Infinity → off (null). */
function timeoutOption(name: string, value: number | undefined, fallback: number): number | null {
  const v = value ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new OutOfRangeError(`H2Duplex: ${name} is milliseconds >= 0 (0 or Infinity disables), got ${String(value)}`);
  return v === 0 || v === Infinity ? null : v;
}

/**
 * The core's configuration: `config`, with `maxPendingResetStreams` and
 * `smallDataFrameRateLimit` given on H2Duplex (they are the core's budgets, counted there).
 */
function coreConfig(options: H2DuplexOptions): H2Configuration | H2ConfigurationOptions | undefined {
  const { config, maxPendingResetStreams, smallDataFrameRateLimit } = options;
  if (maxPendingResetStreams === undefined && smallDataFrameRateLimit === undefined) return config;
  if (config instanceof H2Configuration) {
    throw new InvalidArgumentError('H2Duplex: with an H2Configuration as `config`, give maxPendingResetStreams and smallDataFrameRateLimit in it', 'ERR_H2_INVALID_OPTION');
  }
  return {
    ...config,
    ...(maxPendingResetStreams === undefined ? {} : { maxPendingResetStreams }),
    ...(smallDataFrameRateLimit === undefined ? {} : { smallDataFrameRateLimit }),
  };
}

/**
 * Checks `options` and applies the defaults for a server or a client.
 * @throws InvalidArgumentError for an unknown key; OutOfRangeError for a bad number.
 */
export function resolveDuplexOptions(options: H2DuplexOptions): ResolvedDuplexOptions {
  checkOptionKeys('H2Duplex', options, DUPLEX_OPTION_KEYS);
  // clientSide defaults to true in both an H2Configuration and its options.
  const server = options.config?.clientSide === false;
  const maxSessionMemory = options.maxSessionMemory ?? DEFAULT_MAX_SESSION_MEMORY;
  if (!(maxSessionMemory > 0)) throw new OutOfRangeError('H2Duplex: maxSessionMemory must be a positive number of octets (Infinity disables)');
  return {
    outputHighWaterMark: options.highWaterMark ?? DEFAULT_OUTPUT_HWM,
    streamHighWaterMark: options.streamHighWaterMark ?? DEFAULT_STREAM_HWM,
    settings: options.settings === undefined ? { [SettingCodes.INITIAL_WINDOW_SIZE]: DEFAULT_STREAM_WINDOW } : toSettingsInput(options.settings),
    connectionWindowSize: options.connectionWindowSize ?? DEFAULT_CONNECTION_WINDOW,
    deadlines: sharedLimits({
      preface: server ? timeoutOption('prefaceTimeout', options.prefaceTimeout, DEFAULT_PREFACE_TIMEOUT) : null,
      settingsAck: timeoutOption('settingsAckTimeout', options.settingsAckTimeout, DEFAULT_SETTINGS_ACK_TIMEOUT),
      headerBlock: timeoutOption('headerBlockTimeout', options.headerBlockTimeout, DEFAULT_HEADER_BLOCK_TIMEOUT),
      idle: timeoutOption('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT),
      goawayClose: timeoutOption('goawayCloseTimeout', options.goawayCloseTimeout, DEFAULT_GOAWAY_CLOSE_TIMEOUT),
      streamIdle: server ? timeoutOption('streamIdleTimeout', options.streamIdleTimeout, DEFAULT_STREAM_IDLE_TIMEOUT) : null,
      ack: options.ackTimeout ?? DEFAULT_ACK_TIMEOUT,
    }),
    maxStreamsPerConnection: options.maxStreamsPerConnection ?? 0,
    config: coreConfig(options),
    maxSessionMemory,
    trace: traceSink(options.trace),
    noDelay: options.noDelay ?? true,
    authority: authorityURL(options.authority),
    origins: originsOption(options.origins),
  };
}
