/**
 * Named limits of the core, each with its reason: the DoS budgets that count protocol work
 * (docs/security.md lists them with what the peer gets; the time-based ones live in H2Duplex).
 * Every budget is an H2Configuration option; `Infinity` disables it (unsafe on a public server).
 */

/** `{ burst, perSecond }`: up to `burst` events at once, refilled at `perSecond`. */
export interface RateLimitOptions {
  readonly burst: number;
  readonly perSecond: number;
}

/** Compressed octets of one field block: 2 × our MAX_HEADER_LIST_SIZE (Go's rule; CONTINUATION flood). */
export const DEFAULT_MAX_HEADER_BLOCK_SIZE = 2 * 65536;
/** CONTINUATION frames per block (nghttp2's value; CVE-2024-28182 family). */
export const DEFAULT_MAX_CONTINUATION_FRAMES = 8;
/**
 * Closed streams remembered to answer frames already in flight, and for how long
 * (hyperium/h2's values; h2 keeps 65536 with no expiry, up to ~3 MiB per connection).
 */
export const DEFAULT_RESET_STREAM_RETENTION = { max: 50, ms: 1000 } as const;
/** h2's advertised MAX_CONCURRENT_STREAMS for our side. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;
/** h2 `DEFAULT_MAX_HEADER_LIST_SIZE`: advertised and enforced from the start. */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 2 ** 16;
/** RFC 9113 §5.1.1: stream identifiers are 31 bits. */
export const HIGHEST_ALLOWED_STREAM_ID = 2 ** 31 - 1;
/** Consecutive streams refused (over MAX_CONCURRENT_STREAMS, after GOAWAY) before GOAWAY (Node `maxSessionRejectedStreams`). */
export const DEFAULT_MAX_REFUSED_STREAMS = 100;
/** RST_STREAM received for peer-opened streams: nghttp2's Rapid Reset bucket (CVE-2023-44487). */
export const DEFAULT_RESET_RATE_LIMIT = { burst: 1000, perSecond: 33 } as const;
/**
 * Requests the peer opens and resets within one `receiveData()` call, so the application never
 * sees them: the shape of Rapid Reset (CVE-2023-44487) that no rate limit needs time to catch.
 * hyperium/h2's `max_pending_accept_reset_streams` default.
 */
export const DEFAULT_MAX_PENDING_RESET_STREAMS = 20;
/** RST_STREAMs we send because of peer errors, per connection (hyperium/h2's value; MadeYouReset, CVE-2025-8671). */
export const DEFAULT_MAX_LOCAL_ERROR_RESETS = 1024;
/** Frames that cost work but carry nothing (empty DATA, PRIORITY, unknown types, frames on closed streams, …): nghttp2 1.67's bucket. */
export const DEFAULT_GLITCH_RATE_LIMIT = { burst: 1000, perSecond: 33 } as const;
/** PING/SETTINGS ACKs, RST_STREAMs and WINDOW_UPDATEs queued and not yet taken by the transport (nghttp2; CVE-2019-9512/9514/9515). */
export const DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES = 1000;
/** Entries in one SETTINGS frame (nghttp2, Node: 32; CVE-2019-9515 variant). */
export const DEFAULT_MAX_SETTINGS_ENTRIES = 32;
/** Our own PINGs / SETTINGS awaiting their ACK (Node parity). */
export const DEFAULT_MAX_OUTSTANDING_PINGS = 10;
export const DEFAULT_MAX_OUTSTANDING_SETTINGS = 10;
/** Fields in one header block (Node `maxHeaderListPairs`). */
export const DEFAULT_MAX_HEADER_LIST_PAIRS = 128;
/**
 * Data Dribble (CVE-2019-9511): a DATA frame shorter than this, without END_STREAM, that fills
 * the whole window then open is one the peer's tiny window forced on us. At 256 octets a frame's
 * 9-octet header is under 4 % of it; below that the peer makes us spend a frame on a few octets.
 */
export const SMALL_DATA_FRAME_OCTETS = 256;
/**
 * Forced small DATA frames ({@link SMALL_DATA_FRAME_OCTETS}) we send: a legitimate peer with a
 * tiny window still gets its data, slowly; one that keeps the window tiny on purpose runs out.
 */
export const DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT = { burst: 1000, perSecond: 100 } as const;
