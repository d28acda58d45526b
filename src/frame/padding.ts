/**
 * Padding of DATA, HEADERS and PUSH_PROMISE (RFC 9113 §6.1, §6.2, §6.6).
 *
 * A padded frame starts with an 8-bit Pad Length and ends with that many zero octets that
 * count toward flow control but carry nothing.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';

/** The PADDED flag, shared by the three paddable frame types. */
export const PADDED_FLAG = 0x8;

/** Where the unpadded body lies in a payload. */
export interface UnpaddedBody {
  /** Pad Length, or `null` when the frame is not padded. */
  readonly padLength: number | null;
  /** Offset of the first body octet in the payload. */
  readonly start: number;
  /** Offset just past the last body octet. */
  readonly end: number;
}

/**
 * Locates the body of a possibly padded payload. `fixedLength` is the number of body octets
 * the type needs at least (priority fields, promised stream id).
 *
 * @throws FrameDataMissingError when the payload is too short for its fixed fields.
 * @throws ProtocolError when the padding is as long as, or longer than, what remains
 *   (RFC 9113 §6.1: "MUST treat this as a connection error of type PROTOCOL_ERROR").
 */
export function locateBody(header: FrameHeader, payload: Uint8Array, fixedLength: number, typeName: string): UnpaddedBody {
  if ((header.flags & PADDED_FLAG) === 0) {
    if (payload.length < fixedLength) {
      throw new FrameDataMissingError(`${typeName} frame of ${payload.length} octets is shorter than its ${fixedLength} fixed octets`);
    }
    return { padLength: null, start: 0, end: payload.length };
  }
  if (payload.length < 1 + fixedLength) {
    throw new FrameDataMissingError(`padded ${typeName} frame of ${payload.length} octets is too short for its Pad Length and fixed fields`);
  }
  const padLength = payload[0] ?? 0;
  if (padLength > payload.length - 1 - fixedLength) {
    throw new ProtocolError(`${typeName} padding of ${padLength} octets exceeds the ${payload.length - 1 - fixedLength} octets after the fixed fields`);
  }
  return { padLength, start: 1, end: payload.length - padLength };
}

/** Checks a pad length given by the API user. */
export function checkPadLength(padLength: number | null): void {
  if (padLength === null) return;
  if (!Number.isInteger(padLength)) throw new TypeError('pad_length must be an int');
  if (padLength < 0 || padLength > 255) throw new RangeError('pad_length must be within range: [0, 255]');
}
