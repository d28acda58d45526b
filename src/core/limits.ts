/**
 * Named limits of the core, each with its reason (STYLE.md §4). The full set of DoS budgets
 * of notes/dos-defences.md §4 is issue #7; these are the ones the core enforces today.
 */

/** notes/dos-defences.md §4 #14: compressed octets of one field block, 2 × our MAX_HEADER_LIST_SIZE (Go's rule). */
export const DEFAULT_MAX_HEADER_BLOCK_SIZE = 2 * 65536;
/** notes/dos-defences.md §4 #15: CONTINUATION frames per block (nghttp2's value; CVE-2024-28182 family). */
export const DEFAULT_MAX_CONTINUATION_FRAMES = 8;
/** h2 `MAX_CLOSED_STREAMS`: how many closed streams we remember to answer late frames correctly. */
export const DEFAULT_MAX_CLOSED_STREAMS = 2 ** 16;
/** h2's advertised MAX_CONCURRENT_STREAMS for our side. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;
/** h2 `DEFAULT_MAX_HEADER_LIST_SIZE`: advertised and enforced from the start. */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 2 ** 16;
/** RFC 9113 §5.1.1: stream identifiers are 31 bits. */
export const HIGHEST_ALLOWED_STREAM_ID = 2 ** 31 - 1;
