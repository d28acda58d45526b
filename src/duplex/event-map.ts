/**
 * The typed shapes H2Duplex exposes: its events (its own, and every core event under its
 * name) and its counters.
 */
import type { CoreEventMap, Event, EventHeaders, RequestReceived } from '../core/index.js';
import type { H2Stream } from './h2-stream.js';

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
