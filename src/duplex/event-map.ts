/**
 * The typed event maps of H2Duplex: its own events, and every core event under its name.
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
