/**
 * The HTTP/2 error code registry (RFC 9113 §7, §11.4).
 *
 * Error codes travel in RST_STREAM and GOAWAY frames. A peer may send a code outside this
 * registry; such codes surface as plain numbers, as h2's `_error_code_from_int` does.
 */

/** RFC 9113 §7 error codes. h2: `h2.errors.ErrorCodes`. */
export enum ErrorCodes {
  NO_ERROR = 0x0,
  PROTOCOL_ERROR = 0x1,
  INTERNAL_ERROR = 0x2,
  FLOW_CONTROL_ERROR = 0x3,
  SETTINGS_TIMEOUT = 0x4,
  STREAM_CLOSED = 0x5,
  FRAME_SIZE_ERROR = 0x6,
  REFUSED_STREAM = 0x7,
  CANCEL = 0x8,
  COMPRESSION_ERROR = 0x9,
  CONNECT_ERROR = 0xa,
  ENHANCE_YOUR_CALM = 0xb,
  INADEQUATE_SECURITY = 0xc,
  HTTP_1_1_REQUIRED = 0xd,
}

/** Names by code: the reverse mapping TypeScript builds for a numeric enum. */
const NAMES = ErrorCodes as unknown as Record<number, string | undefined>;

/**
 * The registry name of a code (`'PROTOCOL_ERROR'`), or `'0x…'` for a code outside it.
 * RFC 9113 §7: unknown codes are legal and MUST NOT trigger special behaviour, so they travel
 * as plain numbers wherever an `ErrorCodes` is expected.
 */
export function errorCodeName(code: number): string {
  return NAMES[code] ?? `0x${code.toString(16)}`;
}
