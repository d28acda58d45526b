/**
 * H2Configuration: the options of one connection (h2 `config.py`), validated on set.
 * Limits beyond h2 (DoS budgets) live in limits.ts and are added here as options.
 */
import { checkOptionKeys, describeValue, InvalidArgumentError, OutOfRangeError } from '../errors.js';
import type { RateLimitOptions } from './limits.js';
import type { RetentionOptions } from './closed-streams.js';
import {
  DEFAULT_GLITCH_RATE_LIMIT,
  DEFAULT_MAX_CONTINUATION_FRAMES,
  DEFAULT_MAX_HEADER_BLOCK_SIZE,
  DEFAULT_MAX_HEADER_LIST_PAIRS,
  DEFAULT_MAX_LOCAL_ERROR_RESETS,
  DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES,
  DEFAULT_MAX_OUTSTANDING_PINGS,
  DEFAULT_MAX_OUTSTANDING_SETTINGS,
  DEFAULT_MAX_PENDING_RESET_STREAMS,
  DEFAULT_MAX_REFUSED_STREAMS,
  DEFAULT_MAX_SETTINGS_ENTRIES,
  DEFAULT_RESET_RATE_LIMIT,
  DEFAULT_RESET_STREAM_RETENTION,
  DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT,
} from './limits.js';

/** How header names and values appear in events: decoded strings, or raw Buffers (`null`). */
export type HeaderEncoding = 'latin1' | 'utf-8' | null;

/** A logger with h2's two levels. */
export interface H2Logger {
  /** h2 `logger.debug`. */
  debug(...args: unknown[]): void;
  /** h2 `logger.trace`. */
  trace(...args: unknown[]): void;
}

/** Options of {@link H2Configuration} (h2 `H2Configuration` keyword arguments, camelCased). */
export interface H2ConfigurationOptions {
  /** Default true. */
  clientSide?: boolean;
  /** Default 'latin1' (lossless: one character per octet). h2's default is None (bytes): use null. */
  headerEncoding?: HeaderEncoding;
  validateOutboundHeaders?: boolean;
  normalizeOutboundHeaders?: boolean;
  /** Default false (h2 4.2+). */
  splitOutboundCookies?: boolean;
  validateInboundHeaders?: boolean;
  normalizeInboundHeaders?: boolean;
  logger?: H2Logger | null;
  /** Compressed octets of one inbound field block; beyond it ENHANCE_YOUR_CALM. Default 131072. */
  maxHeaderBlockSize?: number;
  /** CONTINUATION frames per inbound field block; beyond it ENHANCE_YOUR_CALM. Default 8. */
  maxContinuationFrames?: number;
  /**
   * Closed streams remembered to answer late frames: at most `max` at once, each for `ms`.
   * Default { max: 50, ms: 1000 }; h2 keeps 65536 without expiry ({ max: 65536, ms: Infinity }).
   */
  resetStreamRetention?: RetentionOptions;
  // DoS budgets (docs/security.md). Infinity disables one.
  /** Consecutive refused peer streams before GOAWAY(ENHANCE_YOUR_CALM, "too_many_refused_streams"). Default 100. */
  maxRefusedStreams?: number;
  /** RST_STREAMs received on peer-opened streams (Rapid Reset). Default { burst: 1000, perSecond: 33 }. */
  resetRateLimit?: RateLimitOptions;
  /**
   * Requests the peer opens and resets within one `receiveData()` call, before the application
   * could see them (Rapid Reset, CVE-2023-44487); one more is GOAWAY(ENHANCE_YOUR_CALM,
   * "too_many_resets"). Default 20 (hyperium/h2 `max_pending_accept_reset_streams`); 0 allows none.
   */
  maxPendingResetStreams?: number;
  /** RST_STREAMs we send because of peer errors. Default 1024. */
  maxLocalErrorResets?: number;
  /**
   * Treat the MadeYouReset primitives (WINDOW_UPDATE of 0 on a stream, PRIORITY
   * self-dependency or wrong length, DATA/HEADERS after the peer's END_STREAM) as connection
   * errors with their RFC code, as nghttp2 does (CVE-2025-8671). Default true; false is h2's
   * way (RST_STREAM). A WINDOW_UPDATE that overflows a stream window past 2^31-1 is not
   * escalated either way: RFC 9113 §6.9.1 asks for RST_STREAM(FLOW_CONTROL_ERROR), and
   * nghttpd sends that too. Every RST_STREAM sent for a peer's error counts against
   * `maxLocalErrorResets`, which ends a connection that makes a habit of them.
   */
  escalateStreamErrors?: boolean;
  /** Frames that cost work and carry nothing. Default { burst: 1000, perSecond: 33 }. */
  glitchRateLimit?: RateLimitOptions;
  /** Control frames we queued (ACKs, RST_STREAM, WINDOW_UPDATE) not yet taken by dataToSend(). Default 1000. */
  maxOutboundControlFrames?: number;
  /** Entries in one received SETTINGS frame. Default 32. */
  maxSettingsEntries?: number;
  /** Our PINGs awaiting ACK; ping() throws beyond it. Default 10. */
  maxOutstandingPings?: number;
  /** Our SETTINGS awaiting ACK; updateSettings() throws beyond it. Default 10. */
  maxOutstandingSettings?: number;
  /** Fields in one received header block. Default 128. */
  maxHeaderListPairs?: number;
  /**
   * DATA frames `sendData` sends without END_STREAM, under 256 octets, that fill the whole
   * window then open: frames the peer's tiny window forces (Data Dribble, CVE-2019-9511). Beyond
   * it `sendData` throws DenialOfServiceError and the connection ends with
   * GOAWAY(ENHANCE_YOUR_CALM, "data_dribble"). Default { burst: 1000, perSecond: 100 }.
   */
  smallDataFrameRateLimit?: RateLimitOptions;
  /** Milliseconds for rate limits. Default `performance.now`. */
  clock?: () => number;
  /**
   * RFC 9113 §3.4: the peer's first frame must be SETTINGS, else the preface is invalid
   * (PROTOCOL_ERROR). Default true; false is h2's leniency.
   */
  strictPreface?: boolean;
}

/** The default `clock`: milliseconds from `performance.now()`, one function shared by every connection. */
export const performanceClock = (): number => performance.now();

/** The default logger; H2Connection skips building log messages when it is in use. */
export const NO_LOG: H2Logger = {
  debug() {
    /* h2's DummyLogger: discards */
  },
  trace() {
    /* discards */
  },
};

function bool(name: string, v: unknown, d: boolean): boolean {
  if (v === undefined) return d;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(`H2Configuration: ${name} must be a boolean, not ${describeValue(v)}`, 'ERR_H2_INVALID_OPTION');
  return v;
}

function positive(name: string, v: unknown, d: number): number {
  if (v === undefined) return d;
  if (typeof v !== 'number') throw new InvalidArgumentError(`H2Configuration: ${name} must be a number, not ${describeValue(v)}`, 'ERR_H2_INVALID_OPTION');
  if (!(v > 0)) throw new OutOfRangeError(`H2Configuration: ${name} must be a positive number (Infinity disables), not ${v}`);
  return v;
}

function nonNegative(name: string, v: unknown, d: number): number {
  if (v === undefined) return d;
  if (typeof v !== 'number') throw new InvalidArgumentError(`H2Configuration: ${name} must be a number, not ${describeValue(v)}`, 'ERR_H2_INVALID_OPTION');
  if (!(v >= 0)) throw new OutOfRangeError(`H2Configuration: ${name} must be a number >= 0 (Infinity disables), not ${v}`);
  return v;
}

function rate(name: string, v: RateLimitOptions | undefined, d: RateLimitOptions): RateLimitOptions {
  if (v === undefined) return d;
  checkOptionKeys(`H2Configuration: ${name}`, v, RATE_KEYS);
  if (!(v.burst > 0) || !(v.perSecond >= 0)) throw new OutOfRangeError(`H2Configuration: ${name} must be { burst > 0, perSecond >= 0 } (burst Infinity disables), not { burst: ${v.burst}, perSecond: ${v.perSecond} }`);
  return { burst: v.burst, perSecond: v.perSecond };
}

function retention(name: string, v: RetentionOptions | undefined, d: RetentionOptions): RetentionOptions {
  if (v === undefined) return d;
  checkOptionKeys(`H2Configuration: ${name}`, v, RETENTION_KEYS);
  if (!(v.max >= 0) || !(v.ms >= 0)) throw new OutOfRangeError(`H2Configuration: ${name} must be { max >= 0, ms >= 0 } (max 0 keeps none), not { max: ${v.max}, ms: ${v.ms} }`);
  return { max: v.max, ms: v.ms };
}

/** The keys of an options type as a Set; the record makes the compiler check the list is complete. */
export function keysOf<T>(record: Record<keyof T, null>): ReadonlySet<string> {
  return new Set(Object.keys(record));
}

const RATE_KEYS = keysOf<RateLimitOptions>({ burst: null, perSecond: null });
const RETENTION_KEYS = keysOf<RetentionOptions>({ max: null, ms: null });
const CONFIG_KEYS = keysOf<H2ConfigurationOptions>({
  clientSide: null,
  headerEncoding: null,
  validateOutboundHeaders: null,
  normalizeOutboundHeaders: null,
  splitOutboundCookies: null,
  validateInboundHeaders: null,
  normalizeInboundHeaders: null,
  logger: null,
  maxHeaderBlockSize: null,
  maxContinuationFrames: null,
  resetStreamRetention: null,
  maxRefusedStreams: null,
  resetRateLimit: null,
  maxPendingResetStreams: null,
  maxLocalErrorResets: null,
  escalateStreamErrors: null,
  glitchRateLimit: null,
  maxOutboundControlFrames: null,
  maxSettingsEntries: null,
  maxOutstandingPings: null,
  maxOutstandingSettings: null,
  maxHeaderListPairs: null,
  smallDataFrameRateLimit: null,
  clock: null,
  strictPreface: null,
});

/** h2: `H2Configuration`. */
export class H2Configuration {
  clientSide: boolean;
  headerEncoding: HeaderEncoding;
  validateOutboundHeaders: boolean;
  normalizeOutboundHeaders: boolean;
  splitOutboundCookies: boolean;
  validateInboundHeaders: boolean;
  normalizeInboundHeaders: boolean;
  logger: H2Logger;
  maxHeaderBlockSize: number;
  maxContinuationFrames: number;
  resetStreamRetention: RetentionOptions;
  maxRefusedStreams: number;
  resetRateLimit: RateLimitOptions;
  maxPendingResetStreams: number;
  maxLocalErrorResets: number;
  escalateStreamErrors: boolean;
  glitchRateLimit: RateLimitOptions;
  maxOutboundControlFrames: number;
  maxSettingsEntries: number;
  maxOutstandingPings: number;
  maxOutstandingSettings: number;
  maxHeaderListPairs: number;
  smallDataFrameRateLimit: RateLimitOptions;
  /** Milliseconds for the rate limits (`clock` option). */
  clock: () => number;
  strictPreface: boolean;

  /**
   * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`) for an unknown key (h2's snake_case
   *   `client_side` included: it would otherwise be ignored, and the connection a client) or a
   *   value of the wrong type; OutOfRangeError for a number out of its range.
   */
  constructor(options: H2ConfigurationOptions = {}) {
    // Checked at run time: JavaScript callers are not held to the types.
    checkOptionKeys('H2Configuration', options, CONFIG_KEYS);
    this.clientSide = bool('clientSide', options.clientSide, true);
    const enc: unknown = options.headerEncoding === undefined ? 'latin1' : options.headerEncoding;
    if (enc !== null && enc !== 'latin1' && enc !== 'utf-8') {
      throw new InvalidArgumentError(`H2Configuration: headerEncoding must be 'latin1', 'utf-8' or null, not ${describeValue(enc)}`, 'ERR_H2_INVALID_OPTION');
    }
    this.headerEncoding = enc;
    this.validateOutboundHeaders = bool('validateOutboundHeaders', options.validateOutboundHeaders, true);
    this.normalizeOutboundHeaders = bool('normalizeOutboundHeaders', options.normalizeOutboundHeaders, true);
    this.splitOutboundCookies = bool('splitOutboundCookies', options.splitOutboundCookies, false);
    this.validateInboundHeaders = bool('validateInboundHeaders', options.validateInboundHeaders, true);
    this.normalizeInboundHeaders = bool('normalizeInboundHeaders', options.normalizeInboundHeaders, true);
    const logger: unknown = options.logger ?? NO_LOG;
    if (typeof logger !== 'object' || typeof (logger as Partial<H2Logger>).debug !== 'function' || typeof (logger as Partial<H2Logger>).trace !== 'function') {
      throw new InvalidArgumentError('H2Configuration: logger must have debug() and trace() methods, or be null', 'ERR_H2_INVALID_OPTION');
    }
    this.logger = logger as H2Logger;
    this.maxHeaderBlockSize = positive('maxHeaderBlockSize', options.maxHeaderBlockSize, DEFAULT_MAX_HEADER_BLOCK_SIZE);
    this.maxContinuationFrames = positive('maxContinuationFrames', options.maxContinuationFrames, DEFAULT_MAX_CONTINUATION_FRAMES);
    this.resetStreamRetention = retention('resetStreamRetention', options.resetStreamRetention, DEFAULT_RESET_STREAM_RETENTION);
    this.maxRefusedStreams = positive('maxRefusedStreams', options.maxRefusedStreams, DEFAULT_MAX_REFUSED_STREAMS);
    this.resetRateLimit = rate('resetRateLimit', options.resetRateLimit, DEFAULT_RESET_RATE_LIMIT);
    this.maxPendingResetStreams = nonNegative('maxPendingResetStreams', options.maxPendingResetStreams, DEFAULT_MAX_PENDING_RESET_STREAMS);
    this.maxLocalErrorResets = positive('maxLocalErrorResets', options.maxLocalErrorResets, DEFAULT_MAX_LOCAL_ERROR_RESETS);
    this.escalateStreamErrors = bool('escalateStreamErrors', options.escalateStreamErrors, true);
    this.glitchRateLimit = rate('glitchRateLimit', options.glitchRateLimit, DEFAULT_GLITCH_RATE_LIMIT);
    this.maxOutboundControlFrames = positive('maxOutboundControlFrames', options.maxOutboundControlFrames, DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES);
    this.maxSettingsEntries = positive('maxSettingsEntries', options.maxSettingsEntries, DEFAULT_MAX_SETTINGS_ENTRIES);
    this.maxOutstandingPings = positive('maxOutstandingPings', options.maxOutstandingPings, DEFAULT_MAX_OUTSTANDING_PINGS);
    this.maxOutstandingSettings = positive('maxOutstandingSettings', options.maxOutstandingSettings, DEFAULT_MAX_OUTSTANDING_SETTINGS);
    this.maxHeaderListPairs = positive('maxHeaderListPairs', options.maxHeaderListPairs, DEFAULT_MAX_HEADER_LIST_PAIRS);
    this.smallDataFrameRateLimit = rate('smallDataFrameRateLimit', options.smallDataFrameRateLimit, DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT);
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new InvalidArgumentError(`H2Configuration: clock must be a function returning milliseconds, not ${describeValue(options.clock)}`, 'ERR_H2_INVALID_OPTION');
    }
    this.clock = options.clock ?? performanceClock;
    this.strictPreface = bool('strictPreface', options.strictPreface, true);
  }
}

