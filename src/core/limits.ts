/**
 * Named limits of the core, each with its reason (STYLE.md §4): the DoS budgets of
 * notes/dos-defences.md §4 that count protocol work (the time-based ones live in H2Duplex).
 * Every one is an H2Configuration option; `Infinity` disables it (unsafe on a public server).
 */

/** notes/dos-defences.md §4 #14: compressed octets of one field block, 2 × our MAX_HEADER_LIST_SIZE (Go's rule). */
export const DEFAULT_MAX_HEADER_BLOCK_SIZE = 2 * 65536;
/** notes/dos-defences.md §4 #15: CONTINUATION frames per block (nghttp2's value; CVE-2024-28182 family). */
export const DEFAULT_MAX_CONTINUATION_FRAMES = 8;
/**
 * §4 #21: closed streams remembered to answer frames already in flight, and for how long
 * (hyper-h2's values; h2 keeps 65536 with no expiry, up to ~3 MiB per connection).
 */
export const DEFAULT_RESET_STREAM_RETENTION = { max: 50, ms: 1000 } as const;
/** h2's advertised MAX_CONCURRENT_STREAMS for our side. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;
/** h2 `DEFAULT_MAX_HEADER_LIST_SIZE`: advertised and enforced from the start. */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 2 ** 16;
/** RFC 9113 §5.1.1: stream identifiers are 31 bits. */
export const HIGHEST_ALLOWED_STREAM_ID = 2 ** 31 - 1;
/** §4 #2: consecutive streams refused (over MAX_CONCURRENT_STREAMS, after GOAWAY) before GOAWAY (Node `maxSessionRejectedStreams`). */
export const DEFAULT_MAX_REFUSED_STREAMS = 100;
/** §4 #3: RST_STREAM received for peer-opened streams: nghttp2's Rapid Reset bucket (CVE-2023-44487). */
export const DEFAULT_RESET_RATE_LIMIT = { burst: 1000, perSecond: 33 } as const;
/** §4 #5: RST_STREAMs we send because of peer errors, per connection (hyper-h2's value; MadeYouReset). */
export const DEFAULT_MAX_LOCAL_ERROR_RESETS = 1024;
/** §4 #7: frames that cost work but carry nothing (empty DATA, PRIORITY, unknown types, frames on closed streams, …): nghttp2 1.67's bucket. */
export const DEFAULT_GLITCH_RATE_LIMIT = { burst: 1000, perSecond: 33 } as const;
/** §4 #8: PING/SETTINGS ACKs, RST_STREAMs and WINDOW_UPDATEs queued and not yet taken by the transport (nghttp2; CVE-2019-9512/9514/9515). */
export const DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES = 1000;
/** §4 #9: entries in one SETTINGS frame (nghttp2, Node: 32). */
export const DEFAULT_MAX_SETTINGS_ENTRIES = 32;
/** §4 #11: our own PINGs / SETTINGS awaiting their ACK (Node parity). */
export const DEFAULT_MAX_OUTSTANDING_PINGS = 10;
export const DEFAULT_MAX_OUTSTANDING_SETTINGS = 10;
/** §4 #13: fields in one header block (Node `maxHeaderListPairs`). */
export const DEFAULT_MAX_HEADER_LIST_PAIRS = 128;
