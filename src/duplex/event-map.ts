/**
 * The typed shapes H2Duplex exposes: its events (its own, and every core event under its
 * name) and its counters.
 */
import type { CoreEventMap, Event, PushedStreamReceived, RequestReceived } from '../core/index.js';
import type { H2Stream } from './h2-stream.js';
import type { IncomingHeaders } from './node-headers.js';
import type { SettingsInForce } from './node-session.js';

/** Each core event, emitted by H2Duplex under its class name with the event as argument. */
export type H2CoreEvents = { [K in keyof CoreEventMap]: [event: CoreEventMap[K]] };

/** Listener arguments of H2Duplex's events: its own, and every core event under its class name. */
export interface H2DuplexEvents extends H2CoreEvents {
  /**
   * Server: a new request; client: a pushed stream (its request headers; the response comes
   * as the stream's 'push' event). node:http2's arguments: the headers as node's object, the
   * HEADERS flags, node's flat raw headers; then the core's event.
   */
  stream: [stream: H2Stream, headers: IncomingHeaders, flags: number, rawHeaders: string[], event: RequestReceived | PushedStreamReceived];
  /** The peer sent GOAWAY. */
  goaway: [errorCode: number, lastStreamId: number, additionalData: Buffer | null];
  /** The peer sent a PING (its payload); the ACK is sent for you. */
  ping: [payload: Buffer];
  /** The peer's SETTINGS arrived (node's names). */
  remoteSettings: [settings: SettingsInForce];
  /** The peer acknowledged our SETTINGS (node's names). */
  localSettings: [settings: SettingsInForce];
  /** `setTimeout(ms)` passed without input or output. */
  timeout: [];
  /** Client over TLS: the server named origins in an ORIGIN frame (RFC 8336), now in `originSet`. */
  origin: [origins: string[]];
  /** Client: the server advertised an alternative service (ALTSVC, RFC 7838): the Alt-Svc value, the origin ('' on a stream), the stream (0: the connection). */
  altsvc: [alt: string, origin: string, streamId: number];
  /** Emitted by `connect()` once the transport is up (TLS: after the handshake and ALPN). */
  connect: [session: unknown, socket: unknown];
  /** Every core event. */
  event: [event: Event];
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
