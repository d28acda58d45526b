/**
 * The 9-octet frame header (RFC 9113 §4.1): length (24 bits), type, flags, R + stream id (31).
 *
 * Owns only the header's layout. Which flags and stream ids a type allows is checked by each
 * frame file's `parse`.
 */

/** Octets in every frame header. */
export const FRAME_HEADER_LENGTH = 9;

/** Mask that drops the reserved high bit of a 31-bit stream id (RFC 9113 §4.1: ignored on receipt). */
export const STREAM_ID_MASK = 0x7fffffff;

/** The decoded frame header. `streamId` already has the reserved bit masked off. */
export interface FrameHeader {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
}

/** Reads a header at `offset`; the caller guarantees 9 octets are present. */
export function readFrameHeader(buf: Uint8Array, offset: number): FrameHeader {
  const b0 = buf[offset] ?? 0;
  const b1 = buf[offset + 1] ?? 0;
  const b2 = buf[offset + 2] ?? 0;
  const type = buf[offset + 3] ?? 0;
  const flags = buf[offset + 4] ?? 0;
  const streamId =
    (((buf[offset + 5] ?? 0) << 24) | ((buf[offset + 6] ?? 0) << 16) | ((buf[offset + 7] ?? 0) << 8) | (buf[offset + 8] ?? 0)) &
    STREAM_ID_MASK; // RFC 9113 §4.1: the reserved bit MUST be ignored when receiving
  return { length: (b0 << 16) | (b1 << 8) | b2, type, flags, streamId };
}
