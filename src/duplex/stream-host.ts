/**
 * StreamHost: what an H2Stream needs from its H2Duplex, passed in at construction so the
 * duplex's own public surface stays what API.md §3 lists. Internal to duplex/.
 */
import type { H2Connection } from '../core/index.js';
import type { H2Stream, StreamRole } from './h2-stream.js';

export interface StreamHost {
  readonly connection: H2Connection;
  /** Queue a flush of the core's output (coalesced: one push per turn of the event loop). */
  scheduleFlush(): void;
  /** The stream has data waiting for flow-control window or output room. */
  waitToSend(stream: H2Stream): void;
  /** Create and route an H2Stream for a stream id the core just opened (a push we made). */
  adopt(streamId: number, role: StreamRole): H2Stream;
  /** The stream is finished with: drop it from the routing table. */
  forget(stream: H2Stream): void;
  /**
   * The peer's window forces a DATA frame under 256 octets (CVE-2019-9511 data dribble): takes
   * one from `smallDataFrameRateLimit`; false when it is spent, and the connection then ends
   * with GOAWAY(ENHANCE_YOUR_CALM, "data_dribble").
   */
  smallDataFrame(): boolean;
  /** The transport's address, when the duplex learned it (from a piped net.Socket). */
  address(): { remoteAddress: string | undefined; remotePort: number | undefined };
  /**
   * True while output goes straight to a socket (TransportWriter.lendsPayloads): DATA payloads
   * may then be lent to the core (`sendData` with `zeroCopy`) instead of copied.
   */
  zeroCopy(): boolean;
  /** Calls `callback` once everything the core has queued so far has been written by the transport. */
  afterSent(callback: () => void): void;
}
