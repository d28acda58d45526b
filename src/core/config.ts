/**
 * H2Configuration: the options of one connection (h2 `config.py`), validated on set.
 * Limits beyond h2 (DoS budgets) live in limits.ts and are added here as options.
 */
import { DEFAULT_MAX_CONTINUATION_FRAMES, DEFAULT_MAX_HEADER_BLOCK_SIZE, DEFAULT_MAX_CLOSED_STREAMS } from './limits.js';

/** How header names and values appear in events: decoded strings, or raw Buffers (`null`). */
export type HeaderEncoding = 'latin1' | 'utf-8' | null;

/** A logger with h2's two levels. */
export interface H2Logger {
  debug(...args: unknown[]): void;
  trace(...args: unknown[]): void;
}

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
  /** Closed streams remembered for late frames (h2 MAX_CLOSED_STREAMS). Default 65536. */
  maxClosedStreams?: number;
}

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
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a bool`);
  return v;
}

function positive(name: string, v: unknown, d: number): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || !(v > 0)) throw new RangeError(`${name} must be a positive number (Infinity disables)`);
  return v;
}

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
  maxClosedStreams: number;

  constructor(options: H2ConfigurationOptions = {}) {
    this.clientSide = bool('clientSide', options.clientSide, true);
    // Checked at run time too: JavaScript callers are not held to the type.
    const enc: unknown = options.headerEncoding === undefined ? 'latin1' : options.headerEncoding;
    if (enc !== null && enc !== 'latin1' && enc !== 'utf-8') throw new TypeError("headerEncoding must be 'latin1', 'utf-8' or null");
    this.headerEncoding = enc;
    this.validateOutboundHeaders = bool('validateOutboundHeaders', options.validateOutboundHeaders, true);
    this.normalizeOutboundHeaders = bool('normalizeOutboundHeaders', options.normalizeOutboundHeaders, true);
    this.splitOutboundCookies = bool('splitOutboundCookies', options.splitOutboundCookies, false);
    this.validateInboundHeaders = bool('validateInboundHeaders', options.validateInboundHeaders, true);
    this.normalizeInboundHeaders = bool('normalizeInboundHeaders', options.normalizeInboundHeaders, true);
    this.logger = options.logger ?? NO_LOG;
    this.maxHeaderBlockSize = positive('maxHeaderBlockSize', options.maxHeaderBlockSize, DEFAULT_MAX_HEADER_BLOCK_SIZE);
    this.maxContinuationFrames = positive('maxContinuationFrames', options.maxContinuationFrames, DEFAULT_MAX_CONTINUATION_FRAMES);
    this.maxClosedStreams = positive('maxClosedStreams', options.maxClosedStreams, DEFAULT_MAX_CLOSED_STREAMS);
  }
}
