/**
 * What an H2Stream and its H2Duplex say to each other, as interfaces: the duplex passes a
 * StreamHost to each stream it makes, and tells streams what the connection did through the
 * one StreamInbox object H2Stream defines. Generic over the stream type, so this module
 * imports nothing of h2-stream.ts (no import cycle). Internal to duplex/.
 */
import type { H2Connection } from '../core/index.js';
import type { H2Error } from '../errors.js';
import type { IncomingHeaders, SentHeaders } from './node-headers.js';
import type { SendScheduler } from './send-scheduler.js';

/** Which side opened the stream and what it may do. */
export type StreamRole = 'request' | 'response' | 'pushed-out' | 'pushed-in';

/** What a stream needs from its connection. */
export interface StreamHost<S> {
  readonly connection: H2Connection;
  /** The H2Duplex (typed by H2Stream, which may name it: this module must not import it). */
  readonly session: unknown;
  /** Where the stream's writes wait for window and output room. */
  readonly scheduler: SendScheduler<S & { readonly id: number; readonly destroyed: boolean; destroy(error?: Error): unknown }>;
  /** Queue a flush of the core's output (coalesced: one per turn of the event loop). */
  scheduleFlush(): void;
  /** Create and route a stream for an id the core just opened (a push we made). */
  adopt(streamId: number, role: StreamRole): S;
  /** The stream is finished with: drop it from the routing table. */
  forget(stream: S): void;
  /** The transport's address, when the duplex learned it (from a piped net.Socket). */
  address(): { remoteAddress: string | undefined; remotePort: number | undefined };
}

/** What the connection tells a stream (H2Duplex → H2Stream), one shared object for all streams. */
export interface StreamInbox<S> {
  /** DATA arrived (`flowControlledLength` counts padding too). */
  data(stream: S, data: Buffer, flowControlledLength: number): void;
  /** END_STREAM arrived. */
  end(stream: S): void;
  /** RST_STREAM, either way, as the core reported it. */
  reset(stream: S, errorCode: number, remote: boolean): void;
  /** The connection ended under the stream. */
  fail(stream: S, error: H2Error): void;
  /** A queued request got its stream id (its HEADERS were just sent). */
  started(stream: S, id: number): void;
  /** The request (server) or response (client) headers arrived; `ended`: with END_STREAM. */
  received(stream: S, headers: IncomingHeaders, ended: boolean): void;
  /** Client: the request's headers as given, and whether it waits for trailers. */
  requestSent(stream: S, headers: SentHeaders, waitForTrailers: boolean): void;
  /** Milliseconds nothing has moved on the stream as of `now` (streamIdleTimeout). */
  idleFor(stream: S, now: number): number;
  /** streamIdleTimeout passed: 'timeout', then RST_STREAM(CANCEL). */
  idleTimeout(stream: S, ms: number): void;
}
